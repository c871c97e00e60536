// DSL front end, AST: top-level declarations of a rule file and the Program that holds them.
import type { Span } from "../span.ts";
import type { Comment, Ident } from "./common.ts";
import type { DurationLit, Expr, StringLit } from "./expr.ts";
import type { RuleDecl } from "./rule.ts";
import type { RecordType } from "./types.ts";

export type Decl = StreamDecl | TableDecl | ParamDecl | IncludeDecl | RuleDecl | ErrorDecl;

export type DeclKind = Decl["kind"];

/** One parsed `.vigil` file. */
export interface Program {
  readonly kind: "Program";
  readonly file: string;
  readonly decls: readonly Decl[];
  /** All comments in source order (not part of the tree; `fmt` re-attaches them by position). */
  readonly comments: readonly Comment[];
  readonly span: Span;
}

/**
 * `stream payments from topic "payments" key card_id format json schema {...} event time ts, lateness 30s`.
 * Options after the topic may come in any order; each at most once. Null: not written.
 */
export interface StreamDecl {
  readonly kind: "StreamDecl";
  readonly name: Ident;
  readonly topic: StringLit;
  readonly key: Ident | null;
  /** `format json` (the only format today; checked by the checker). */
  readonly format: Ident | null;
  /** Null only when the parser reported the missing schema. */
  readonly schema: RecordType | null;
  /** `event time ts`: null means the log's append time. */
  readonly eventTime: Ident | null;
  /** `lateness 30s`: allowed out-of-orderness (default 0). */
  readonly lateness: DurationLit | null;
  /**
   * `idle after 5m`: wall-clock quiet time after which a Kafka worker decides a partition of the
   * stream is idle and advances its watermark (null: the worker's default).
   */
  readonly idleAfter: DurationLit | null;
  readonly span: Span;
}

/** `table cards from topic "cards" key card_id schema {...}`: the latest value per key. */
export interface TableDecl {
  readonly kind: "TableDecl";
  readonly name: Ident;
  readonly topic: StringLit;
  /** Required by the checker (a table is keyed). */
  readonly key: Ident | null;
  readonly format: Ident | null;
  readonly schema: RecordType | null;
  readonly eventTime: Ident | null;
  readonly span: Span;
}

/** `param big_amount = 500`: a constant (literal, or `-` literal) a deployment may override. */
export interface ParamDecl {
  readonly kind: "ParamDecl";
  readonly name: Ident;
  readonly value: Expr;
  readonly span: Span;
}

/** `include "lib/fraud/common.vigil"`: path relative to the including file. */
export interface IncludeDecl {
  readonly kind: "IncludeDecl";
  readonly path: StringLit;
  readonly span: Span;
}

/**
 * A declaration the parser could not finish (a diagnostic was reported). Kept so the checker can
 * treat `name` as declared and avoid cascades ("unknown stream payments" after a broken stream).
 */
export interface ErrorDecl {
  readonly kind: "ErrorDecl";
  /** What the declaration started as. */
  readonly declKind: "stream" | "table" | "param" | "include" | "rule";
  /** Its name, when the parser got that far. */
  readonly name: Ident | null;
  readonly span: Span;
}

// DSL front end, AST: a rule and its clauses, in the fixed order the grammar allows:
// from, join*, where?, partition by?, join*, (window ... | match ...)?, emit.
import type { Span } from "../span.ts";
import type { Ident } from "./common.ts";
import type { EmitClause } from "./emit.ts";
import type { DurationLit, Expr, StringLit } from "./expr.ts";
import type { MatchClause } from "./pattern.ts";

/** `rule velocity from ... emit ...`. `from`/`emit` are null only when the parser reported them missing. */
export interface RuleDecl {
  readonly kind: "RuleDecl";
  readonly name: Ident;
  readonly from: FromClause | null;
  readonly joins: readonly JoinClause[];
  readonly where: WhereClause | null;
  readonly partitionBy: PartitionClause | null;
  /** Joins written after `partition by`: they see the re-keyed records. */
  readonly joinsAfterPartition: readonly JoinClause[];
  readonly body: WindowClause | MatchClause | null;
  readonly emit: EmitClause | null;
  readonly span: Span;
}

/** `from payments` / `from payments as p`. */
export interface FromClause {
  readonly kind: "FromClause";
  readonly stream: Ident;
  readonly alias: Ident | null;
  readonly span: Span;
}

export type JoinClause = StreamJoinClause | TableJoinClause;

/** `[left] join logins as l on l.user = user within 5m [grace 1s] [named "j"]`. */
export interface StreamJoinClause {
  readonly kind: "StreamJoinClause";
  readonly joinType: "inner" | "left";
  readonly stream: Ident;
  readonly alias: Ident | null;
  readonly on: Expr;
  readonly within: DurationLit;
  readonly grace: DurationLit | null;
  /** `named "x"`: user-chosen operator/store name, stable across edits. */
  readonly named: StringLit | null;
  readonly span: Span;
}

/**
 * `[left] join table cards [as c] [on c.card_id = card] [named "x"]`: the table row for the current
 * key, or for the stream expression `on` equates with the table's key field (the stream is re-keyed by it).
 */
export interface TableJoinClause {
  readonly kind: "TableJoinClause";
  readonly joinType: "inner" | "left";
  readonly table: Ident;
  readonly alias: Ident | null;
  readonly on: Expr | null;
  readonly named: StringLit | null;
  readonly span: Span;
}

/** `where amount > 0`. */
export interface WhereClause {
  readonly kind: "WhereClause";
  readonly condition: Expr;
  readonly span: Span;
}

/** `partition by card_id, merchant [named "by_card"]`: re-key (and repartition) by these values. */
export interface PartitionClause {
  readonly kind: "PartitionClause";
  readonly keys: readonly Expr[];
  readonly named: StringLit | null;
  readonly span: Span;
}

export type WindowKind = TumblingWindow | HoppingWindow | SlidingWindow | SessionWindow;

export interface TumblingWindow {
  readonly kind: "TumblingWindow";
  readonly size: DurationLit;
  readonly span: Span;
}

export interface HoppingWindow {
  readonly kind: "HoppingWindow";
  readonly size: DurationLit;
  readonly advance: DurationLit;
  readonly span: Span;
}

export interface SlidingWindow {
  readonly kind: "SlidingWindow";
  readonly size: DurationLit;
  readonly span: Span;
}

export interface SessionWindow {
  readonly kind: "SessionWindow";
  readonly gap: DurationLit;
  readonly span: Span;
}

/**
 * `window sliding 1h [grace 10s] [named "vel"] aggregate count() as n, sum(amount) as total [having n > 10]`.
 */
export interface WindowClause {
  readonly kind: "WindowClause";
  readonly window: WindowKind;
  readonly grace: DurationLit | null;
  readonly named: StringLit | null;
  readonly aggregates: readonly AggregateItem[];
  readonly having: Expr | null;
  readonly span: Span;
}

/** `sum(amount) as total`: `expr` is normally a Call (the checker verifies it is an aggregate). */
export interface AggregateItem {
  readonly kind: "AggregateItem";
  readonly expr: Expr;
  readonly name: Ident;
  readonly span: Span;
}

// DSL front end, AST: the emit clause, shared by rules and by a pattern's timeout output.
import type { Span } from "../span.ts";
import type { Ident } from "./common.ts";
import type { Expr, StringLit } from "./expr.ts";

/** `emit [changes|final] to "alerts" { card_id, big: big.amount }`. `mode` null: the default (see reference). */
export interface EmitClause {
  readonly kind: "EmitClause";
  readonly mode: "changes" | "final" | null;
  readonly topic: StringLit;
  readonly fields: readonly EmitField[];
  readonly span: Span;
}

/** `name: expr`, or the shorthand `name` (value null: the same as `name: name`). */
export interface EmitField {
  readonly kind: "EmitField";
  readonly name: Ident;
  readonly value: Expr | null;
  readonly span: Span;
}

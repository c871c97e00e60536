// DSL front end, AST: expressions, exactly as written (names unresolved, no types). The checker
// resolves names and types them into src/plan/expr.ts. Parentheses are not kept: the tree is the grouping.
import type { Span } from "../span.ts";
import type { Ident } from "./common.ts";

export type Expr =
  | IntLit
  | FloatLit
  | StringLit
  | BoolLit
  | NullLit
  | DurationLit
  | NameRef
  | FieldAccess
  | Unary
  | Binary
  | In
  | Between
  | IsNull
  | Call
  | ErrorExpr;

export type ExprKind = Expr["kind"];

/** `42`: an integer literal (a safe integer). */
export interface IntLit {
  readonly kind: "IntLit";
  readonly value: number;
  readonly span: Span;
}

/** `1.5`, `2e3`: a literal with a fraction or exponent. */
export interface FloatLit {
  readonly kind: "FloatLit";
  readonly value: number;
  readonly span: Span;
}

/** `"text"`: `value` has its escapes decoded. */
export interface StringLit {
  readonly kind: "StringLit";
  readonly value: string;
  readonly span: Span;
}

export interface BoolLit {
  readonly kind: "BoolLit";
  readonly value: boolean;
  readonly span: Span;
}

export interface NullLit {
  readonly kind: "NullLit";
  readonly span: Span;
}

export type DurationUnit = "ms" | "s" | "m" | "h" | "d";

/** `500ms`, `30s`, `10m`, `1h`, `7d`: `ms` is the length in milliseconds. */
export interface DurationLit {
  readonly kind: "DurationLit";
  readonly amount: number;
  readonly unit: DurationUnit;
  readonly ms: number;
  readonly span: Span;
}

/** A bare name: a field of the current record, a param, an alias, a pattern step, an aggregate output. */
export interface NameRef {
  readonly kind: "NameRef";
  readonly name: string;
  readonly span: Span;
}

/** `small.amount`, `first(small).ts`, `loc.geo.lat`: a field of a record-valued expression. */
export interface FieldAccess {
  readonly kind: "FieldAccess";
  readonly object: Expr;
  readonly field: Ident;
  readonly span: Span;
}

export type UnaryOp = "-" | "not";

export interface Unary {
  readonly kind: "Unary";
  readonly op: UnaryOp;
  readonly operand: Expr;
  readonly span: Span;
}

/** `=` is equality (`==` is accepted and parsed as `=`); `!=` (also `<>`) is inequality. */
export type BinaryOp = "+" | "-" | "*" | "/" | "%" | "=" | "!=" | "<" | "<=" | ">" | ">=" | "and" | "or";

export interface Binary {
  readonly kind: "Binary";
  readonly op: BinaryOp;
  readonly left: Expr;
  readonly right: Expr;
  readonly span: Span;
}

/** `x in (a, b)` / `x not in (a, b)`. */
export interface In {
  readonly kind: "In";
  readonly operand: Expr;
  readonly list: readonly Expr[];
  readonly negated: boolean;
  readonly span: Span;
}

/** `x between lo and hi` (inclusive both ends) / `x not between lo and hi`. */
export interface Between {
  readonly kind: "Between";
  readonly operand: Expr;
  readonly low: Expr;
  readonly high: Expr;
  readonly negated: boolean;
  readonly span: Span;
}

/** `x is null` / `x is not null`. */
export interface IsNull {
  readonly kind: "IsNull";
  readonly operand: Expr;
  readonly negated: boolean;
  readonly span: Span;
}

/**
 * `f(a, b)`: a scalar function, a window aggregate (`sum(amount)`, `count()`), or a step aggregate
 * (`count(small)`, `last(small).ts`). `count(distinct x)` sets `distinct`.
 */
export interface Call {
  readonly kind: "Call";
  readonly callee: Ident;
  readonly args: readonly Expr[];
  readonly distinct: boolean;
  readonly span: Span;
}

/** Placeholder the parser leaves where an expression could not be parsed (a diagnostic was reported). */
export interface ErrorExpr {
  readonly kind: "ErrorExpr";
  readonly span: Span;
}

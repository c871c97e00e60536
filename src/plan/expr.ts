// Plan stage: checked expressions. The checker resolves every name, so the runtime never looks a
// name up by guessing: a field reference is a path whose first element is a binding of the record
// environment (`StreamRecord.value`): a source alias, a join alias, a pattern step, `$` for the
// flat row an aggregation produces. Literals are typed; params are already substituted or named.
import type { FieldType } from "../core/schema.ts";
import type { Value } from "../core/value.ts";

export type BinaryOp = "+" | "-" | "*" | "/" | "%" | "=" | "!=" | "<" | "<=" | ">" | ">=" | "and" | "or";

export type UnaryOp = "-" | "not";

/** Aggregates over the events a looping pattern step has taken so far (`count(small)`, `sum(small.amount)`). */
export type StepAggregateFn = "count" | "sum" | "avg" | "min" | "max" | "first" | "last";

export type Expr =
  | { readonly kind: "literal"; readonly value: Value; readonly type: FieldType }
  /** Deployment-overridable parameter: the runtime reads it from the params it was given (default baked in). */
  | { readonly kind: "param"; readonly name: string; readonly defaultValue: Value; readonly type: FieldType }
  /** `path[0]` is a binding of the environment; the rest walks nested records. */
  | { readonly kind: "field"; readonly path: readonly string[]; readonly type: FieldType }
  | { readonly kind: "unary"; readonly op: UnaryOp; readonly operand: Expr; readonly type: FieldType }
  | {
      readonly kind: "binary";
      readonly op: BinaryOp;
      readonly left: Expr;
      readonly right: Expr;
      readonly type: FieldType;
    }
  /** A scalar function from the catalogue (src/core/functions.ts), by its canonical name. */
  | { readonly kind: "call"; readonly fn: string; readonly args: readonly Expr[]; readonly type: FieldType }
  | {
      readonly kind: "in";
      readonly operand: Expr;
      readonly list: readonly Expr[];
      readonly negated: boolean;
      readonly type: FieldType;
    }
  | {
      readonly kind: "between";
      readonly operand: Expr;
      readonly low: Expr;
      readonly high: Expr;
      readonly negated: boolean;
      readonly type: FieldType;
    }
  | { readonly kind: "is-null"; readonly operand: Expr; readonly negated: boolean; readonly type: FieldType }
  /**
   * Aggregate over a looping pattern step's taken events. `arg` is evaluated per taken event with the
   * step name bound to that event; null for `count(step)`, `first(step)`, `last(step)` (whole event).
   */
  | {
      readonly kind: "step-aggregate";
      readonly fn: StepAggregateFn;
      readonly step: string;
      readonly arg: Expr | null;
      readonly type: FieldType;
    };

export type ExprKind = Expr["kind"];

/** The operands of a top-level chain of `and`s: a condition holds only if each of them does. */
export function conjuncts(e: Expr): Expr[] {
  return e.kind === "binary" && e.op === "and" ? [...conjuncts(e.left), ...conjuncts(e.right)] : [e];
}

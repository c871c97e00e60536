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

/** `e` with field paths starting at binding `from` starting at `to` instead (e itself when none does). */
export function renameBinding(e: Expr, from: string, to: string): Expr {
  const r = (x: Expr) => renameBinding(x, from, to);
  switch (e.kind) {
    case "literal":
    case "param":
    case "step-aggregate":
      return e;
    case "field":
      return e.path[0] === from ? { ...e, path: [to, ...e.path.slice(1)] } : e;
    case "unary": {
      const operand = r(e.operand);
      return operand === e.operand ? e : { ...e, operand };
    }
    case "binary": {
      const left = r(e.left);
      const right = r(e.right);
      return left === e.left && right === e.right ? e : { ...e, left, right };
    }
    case "call": {
      const args = e.args.map(r);
      return args.every((a, k) => a === e.args[k]) ? e : { ...e, args };
    }
    case "in": {
      const operand = r(e.operand);
      const list = e.list.map(r);
      return operand === e.operand && list.every((x, k) => x === e.list[k]) ? e : { ...e, operand, list };
    }
    case "between": {
      const [operand, low, high] = [r(e.operand), r(e.low), r(e.high)];
      return operand === e.operand && low === e.low && high === e.high ? e : { ...e, operand, low, high };
    }
    case "is-null": {
      const operand = r(e.operand);
      return operand === e.operand ? e : { ...e, operand };
    }
  }
}

/** The binding `prev(x)` reads inside a pattern condition: the key's physically previous event's row. */
export const PREV_BINDING = "$prev";

/** True when some field path of `e` starts at binding `name` (step aggregates' arguments included). */
export function readsBinding(e: Expr, name: string): boolean {
  const r = (x: Expr) => readsBinding(x, name);
  switch (e.kind) {
    case "literal":
    case "param":
      return false;
    case "field":
      return e.path[0] === name;
    case "step-aggregate":
      return e.arg !== null && r(e.arg);
    case "unary":
    case "is-null":
      return r(e.operand);
    case "binary":
      return r(e.left) || r(e.right);
    case "call":
      return e.args.some(r);
    case "in":
      return r(e.operand) || e.list.some(r);
    case "between":
      return r(e.operand) || r(e.low) || r(e.high);
  }
}

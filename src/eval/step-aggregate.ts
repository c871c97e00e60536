// Eval stage: aggregates over the events a looping pattern step has taken (`count(small)`,
// `sum(small.amount)`), read from the environment's `$steps` binding (see PatternOp in plan.ts).
import type { Value } from "../core/value.ts";
import { isRow } from "../core/value.ts";
import type { StepAggregateFn } from "../plan/expr.ts";
import { compareValues } from "./compare.ts";

type Env = { readonly [binding: string]: Value };
type Arg = ((env: Env) => Value) | null;

/** The rows taken so far for `step` (empty when the step has taken none or `$steps` is absent). */
export function stepRows(env: Env, step: string): readonly Value[] {
  const steps = env["$steps"];
  if (!isRow(steps)) return [];
  const rows = steps[step];
  return Array.isArray(rows) ? rows : [];
}

/** Evaluates `arg` once per taken event, with the step name bound to that event. Null for an absent arg: the whole row. */
function argValues(env: Env, step: string, rows: readonly Value[], arg: Arg): Value[] {
  if (arg === null) return rows.slice();
  const scratch: Record<string, Value> = { ...env };
  const out: Value[] = new Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    scratch[step] = rows[i] as Value;
    out[i] = arg(scratch);
  }
  return out;
}

function numeric(values: readonly Value[]): number[] {
  const out: number[] = [];
  for (const v of values) if (typeof v === "number") out.push(v);
  return out;
}

function extreme(values: readonly Value[], sign: 1 | -1): Value {
  let best: Value = null;
  for (const v of values) {
    if (v === null) continue;
    if (best === null) best = v;
    else {
      const c = compareValues(v, best);
      if (c !== null && c * sign > 0) best = v;
    }
  }
  return best;
}

/** Computes one step aggregate from the environment (SQL semantics: nulls ignored, empty sum/avg/min/max is null). */
export function stepAggregate(fn: StepAggregateFn, env: Env, step: string, arg: Arg): Value {
  const rows = stepRows(env, step);
  if (fn === "count" && arg === null) return rows.length;
  const values = argValues(env, step, rows, arg);
  switch (fn) {
    case "count":
      return values.filter((v) => v !== null).length;
    case "sum": {
      const ns = numeric(values);
      return ns.length === 0 ? null : ns.reduce((s, n) => s + n, 0);
    }
    case "avg": {
      const ns = numeric(values);
      return ns.length === 0 ? null : ns.reduce((s, n) => s + n, 0) / ns.length;
    }
    case "min":
      return extreme(values, -1);
    case "max":
      return extreme(values, 1);
    case "first":
      return values.length === 0 ? null : (values[0] as Value);
    case "last":
      return values.length === 0 ? null : (values[values.length - 1] as Value);
  }
}

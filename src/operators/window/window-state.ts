// Operators stage: what a window keeps in its store (group-by values, aggregate states, count and
// evidence origins) and how a window becomes an output record (`$` row, `having`, range evidence).
import type { StreamRecord } from "../../core/record.ts";
import type { Row, Value } from "../../core/value.ts";
import type { CompiledExpr } from "../../eval/compile-expr.ts";
import type { WindowAggregateOp } from "../../plan/plan.ts";
import type { CompiledExprFactory } from "../compile.ts";
import type { OperatorContext } from "../operator.ts";
import { compareOrigins, type OriginTuple, originTuple, tupleOrigin } from "../store-keys.ts";
import { type Accumulators, createAccumulators } from "./accumulators.ts";

/** A window's stored state (JSON). `f`/`l`: smallest and largest contributing origin; `n`: records. */
export interface WindowState {
  readonly g: Row;
  readonly a: readonly Value[];
  readonly n: number;
  readonly f: OriginTuple;
  readonly l: OriginTuple;
}

/** What every window kind shares: compiled arguments, accumulators, group-by, having, the output. */
export interface WindowCommon {
  readonly op: WindowAggregateOp;
  readonly ctx: OperatorContext;
  readonly acc: Accumulators;
  /** Aggregate arguments of a record (`true` for `count()`). */
  args(env: Row): Value[];
  groupBy(env: Row): Row;
  /** Builds the output row, applies `having` and forwards it. */
  emit(state: WindowState, key: string | null, start: number, end: number, timestamp: number): void;
}

/** Compiles the parts of a window aggregate that do not depend on the window kind. */
export function createWindowCommon(
  op: WindowAggregateOp,
  ctx: OperatorContext,
  compile: CompiledExprFactory,
): WindowCommon {
  const argExprs = op.aggregates.map((a) => (a.arg === null ? null : compile(a.arg)));
  const groupExprs = op.groupBy.map((g) => ({ name: g.name, expr: compile(g.expr) }));
  const having: CompiledExpr | null = op.having === null ? null : compile(op.having);
  const acc = createAccumulators(op.aggregates.map((a) => a.fn));
  const names = op.aggregates.map((a) => a.name);
  const scratch = new ScratchRow();
  return {
    op,
    ctx,
    acc,
    args: (env) => argExprs.map((e) => (e === null ? true : e(env))),
    groupBy: (env) => {
      const row: Record<string, Value> = {};
      for (const g of groupExprs) row[g.name] = g.expr(env);
      return row;
    },
    emit(state, key, start, end, timestamp) {
      const results = acc.results(state.a);
      const fill = (row: Record<string, Value>): Record<string, Value> => {
        for (const k in state.g) row[k] = state.g[k] as Value;
        row["key"] = key;
        row["window_start"] = start;
        row["window_end"] = end;
        for (let i = 0; i < names.length; i++) row[names[i] as string] = results[i] as Value;
        return row;
      };
      // `having` rejects most windows of a sliding rule: judge it on a reused row (it only reads it)
      // and build the output's own row only for windows that pass.
      if (having !== null && having(scratch.fill(fill)) !== true) return;
      const value = { $: fill({}) };
      ctx.forward({
        key,
        value,
        timestamp,
        origin: tupleOrigin(state.l),
        evidence: { kind: "range", first: tupleOrigin(state.f), last: tupleOrigin(state.l), count: state.n },
      });
    },
  };
}

/** One `{ $: row }` environment reused for every `having` check of an operator. */
class ScratchRow {
  private readonly row: Record<string, Value> = {};
  private readonly env = { $: this.row };

  // Every fill writes the same keys (group-by names, key, window bounds, aggregate names), so the
  // previous window's values are all overwritten and the row keeps one shape.
  fill(fill: (row: Record<string, Value>) => Record<string, Value>): { readonly $: Row } {
    fill(this.row);
    return this.env;
  }
}

/** A fresh window state for a first record (its group-by values, empty aggregates). */
export function emptyState(common: WindowCommon, record: StreamRecord): OwnedWindowState {
  const o = originTuple(record.origin);
  return { g: common.groupBy(record.value), a: common.acc.init(), n: 0, f: o, l: o };
}

/** Adds one record (with its already evaluated arguments) to a state, returning the new state. */
export function addToState(
  common: WindowCommon,
  state: WindowState,
  args: readonly Value[],
  time: number,
  origin: OriginTuple,
): WindowState {
  return {
    g: state.g,
    a: common.acc.add(state.a, args, time, origin),
    n: state.n + 1,
    f: state.n === 0 || compareOrigins(origin, state.f) < 0 ? origin : state.f,
    l: state.n === 0 || compareOrigins(origin, state.l) > 0 ? origin : state.l,
  };
}

/** A window state its operator owns (made by it since the last commit) and updates in place. */
export interface OwnedWindowState {
  readonly g: Row;
  a: Value[];
  n: number;
  f: OriginTuple;
  l: OriginTuple;
}

/**
 * A copy of a committed state that its operator may update in place: the aggregate states are the
 * only parts updated in place (one level deep: accumulators.ts addOwned), so they are copied one
 * level; group-by values and origin tuples are replaced, never changed, and are shared.
 */
export function ownedCopy(state: WindowState): OwnedWindowState {
  return { g: state.g, a: state.a.map(copyAggregate), n: state.n, f: state.f, l: state.l };
}

function copyAggregate(s: Value): Value {
  if (Array.isArray(s)) return s.slice();
  return s !== null && typeof s === "object" ? { ...s } : s;
}

/** Adds one record to a state this operator owns, in place (the result of addToState, without allocating). */
export function addInPlace(
  common: WindowCommon,
  state: OwnedWindowState,
  args: readonly Value[],
  time: number,
  origin: OriginTuple,
): void {
  common.acc.addOwned(state.a, args, time, origin);
  if (state.n === 0 || compareOrigins(origin, state.f) < 0) state.f = origin;
  if (state.n === 0 || compareOrigins(origin, state.l) > 0) state.l = origin;
  state.n++;
}

/** Merges two states (session merges); group-by values from the first. */
export function mergeStates(common: WindowCommon, a: WindowState, b: WindowState): WindowState {
  return {
    g: a.g,
    a: common.acc.merge(a.a, b.a),
    n: a.n + b.n,
    f: compareOrigins(a.f, b.f) <= 0 ? a.f : b.f,
    l: compareOrigins(a.l, b.l) >= 0 ? a.l : b.l,
  };
}

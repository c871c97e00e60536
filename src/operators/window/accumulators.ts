// Operators stage: the window aggregates (count, sum, avg, min, max, count_distinct, first, last,
// stddev) as small JSON states that can be added to and merged (session merges). Updates return
// new states: a state read from a store is never mutated in place (rollback must see the old one).
// Folds over fresh states (sliding windows) own them and update them in place, allocation-free.
import type { Value } from "../../core/value.ts";
import { compareValues } from "../../eval/compare.ts";
import type { AggregateFn } from "../../plan/plan.ts";
import { compareOrigins, type OriginTuple } from "../store-keys.ts";

/** One contributing record: its aggregate argument (true for `count()`), event time and origin. */
export interface Contribution {
  readonly value: Value;
  readonly time: number;
  readonly origin: OriginTuple;
}

interface Aggregate {
  init(): Value;
  /** `owned`: the caller made `state` itself (init) and lets it be updated in place. */
  add(state: Value, c: Contribution, owned: boolean): Value;
  merge(a: Value, b: Value): Value;
  /** merge into a state the caller made (init, addOwned or mergeOwned) and owns: updated in place. */
  mergeOwned?(into: Value, from: Value): Value;
  result(state: Value): Value;
}

type Timed = readonly [number, string, number, number, Value];

/** Order of contributions for first/last: event time, then origin (deterministic whatever the arrival order). */
function timedBefore(a: Timed, b: Timed): boolean {
  if (a[0] !== b[0]) return a[0] < b[0];
  return compareOrigins([a[1], a[2], a[3]], [b[1], b[2], b[3]]) < 0;
}

function timed(c: Contribution): Timed {
  return [c.time, c.origin[0], c.origin[1], c.origin[2], c.value];
}

/** Whether contribution c comes before the chosen one `s` in (time, origin) order. */
function contributionBefore(c: Contribution, s: Timed): boolean {
  if (c.time !== s[0]) return c.time < s[0];
  return compareOrigins(c.origin, [s[1], s[2], s[3]]) < 0;
}

function pick(wantEarliest: boolean): Aggregate {
  const better = wantEarliest ? timedBefore : (a: Timed, b: Timed) => timedBefore(b, a);
  const choose = (a: Value, b: Value): Value => {
    if (a === null) return b;
    if (b === null) return a;
    return better(b as unknown as Timed, a as unknown as Timed) ? b : a;
  };
  return {
    init: () => null,
    add: (s, c) => {
      if (s === null) return timed(c) as unknown as Value;
      const cur = s as unknown as Timed;
      return contributionBefore(c, cur) === wantEarliest ? (timed(c) as unknown as Value) : s;
    },
    merge: choose,
    result: (s) => (s === null ? null : ((s as unknown as Timed)[4] ?? null)),
  };
}

function extreme(sign: 1 | -1): Aggregate {
  const choose = (a: Value, b: Value): Value => {
    if (a === null) return b;
    if (b === null) return a;
    const c = compareValues(b, a);
    return c !== null && c * sign > 0 ? b : a;
  };
  return { init: () => null, add: (s, c) => choose(s, c.value), merge: choose, result: (s) => s };
}

const num = (v: Value | undefined): number => (v ?? 0) as number;

function distinctKey(v: Value): string {
  return typeof v === "string" ? `s${v}` : JSON.stringify(v);
}

/** Welford's running mean and M2 as [n, mean, m2]; Chan et al.'s formula merges two of them. */
function mergeMoments(a: readonly number[], b: readonly number[]): Value {
  const [na = 0, ma = 0, qa = 0] = a;
  const [nb = 0, mb = 0, qb = 0] = b;
  const n = na + nb;
  if (n === 0) return [0, 0, 0];
  const delta = mb - ma;
  return [n, ma + (delta * nb) / n, qa + qb + (delta * delta * na * nb) / n];
}

const AGGREGATES: { readonly [F in AggregateFn]: Aggregate } = {
  count: {
    init: () => 0,
    add: (s, c) => (c.value === null ? s : num(s) + 1),
    merge: (a, b) => num(a) + num(b),
    result: (s) => s,
  },
  sum: {
    init: () => null,
    add: (s, c) => (typeof c.value !== "number" ? s : s === null ? c.value : num(s) + c.value),
    merge: (a, b) => (a === null ? b : b === null ? a : num(a) + num(b)),
    result: (s) => s,
  },
  avg: {
    init: () => [0, 0],
    add: (s, c, owned) => {
      if (typeof c.value !== "number") return s;
      const a = (owned ? s : [...(s as number[])]) as number[];
      a[0] = num(a[0]) + c.value;
      a[1] = num(a[1]) + 1;
      return a;
    },
    merge: (a, b) => {
      const [sa, na] = a as readonly number[];
      const [sb, nb] = b as readonly number[];
      return [num(sa) + num(sb), num(na) + num(nb)];
    },
    mergeOwned: (into, from) => {
      const x = into as number[];
      const y = from as readonly number[];
      x[0] = num(x[0]) + num(y[0]);
      x[1] = num(x[1]) + num(y[1]);
      return x;
    },
    result: (s) => {
      const [sum, n] = s as readonly number[];
      return n === 0 ? null : num(sum) / num(n);
    },
  },
  min: extreme(-1),
  max: extreme(1),
  count_distinct: {
    init: () => ({}),
    add: (s, c, owned) => {
      if (c.value === null) return s;
      const k = distinctKey(c.value);
      if (k in (s as object)) return s;
      const out = (owned ? s : { ...(s as object) }) as Record<string, Value>;
      out[k] = 1;
      return out;
    },
    merge: (a, b) => ({ ...(a as object), ...(b as object) }),
    mergeOwned: (into, from) => Object.assign(into as object, from as object) as Value,
    result: (s) => Object.keys(s as object).length,
  },
  first: pick(true),
  last: pick(false),
  stddev: {
    init: () => [0, 0, 0],
    add: (s, c, owned) => {
      if (typeof c.value !== "number") return s;
      const m = (owned ? s : [...(s as number[])]) as number[];
      const n = num(m[0]) + 1;
      const delta = c.value - num(m[1]);
      m[0] = n;
      m[1] = num(m[1]) + delta / n;
      m[2] = num(m[2]) + delta * (c.value - m[1]);
      return m;
    },
    merge: (a, b) => mergeMoments(a as number[], b as number[]),
    mergeOwned: (into, from) => {
      // mergeMoments' arithmetic, in the same order (the same doubles), written into `into`.
      const x = into as number[];
      const y = from as readonly number[];
      const na = num(x[0]);
      const ma = num(x[1]);
      const qa = num(x[2]);
      const nb = num(y[0]);
      const n = na + nb;
      if (n === 0) {
        x[0] = 0;
        x[1] = 0;
        x[2] = 0;
        return x;
      }
      const delta = num(y[1]) - ma;
      x[0] = n;
      x[1] = ma + (delta * nb) / n;
      x[2] = qa + num(y[2]) + (delta * delta * na * nb) / n;
      return x;
    },
    result: (s) => {
      const [n = 0, , m2 = 0] = s as readonly number[];
      return n === 0 ? null : Math.sqrt(Math.max(0, m2) / n);
    },
  },
};

/** The aggregates of one window operator, in the order of its AggregateSpecs. */
export interface Accumulators {
  init(): Value[];
  add(states: readonly Value[], args: readonly Value[], time: number, origin: OriginTuple): Value[];
  /** Adds to states this caller created with init() and owns: updates `states` in place. */
  addOwned(states: Value[], args: readonly Value[], time: number, origin: OriginTuple): void;
  merge(a: readonly Value[], b: readonly Value[]): Value[];
  /** Merges `from` into states this caller created with init() and owns: updates `into` in place. */
  mergeOwned(into: Value[], from: readonly Value[]): void;
  results(states: readonly Value[]): Value[];
}

/** Builds the accumulators for `fns`. stddev is the population standard deviation; nulls are ignored except by first/last. */
export function createAccumulators(fns: readonly AggregateFn[]): Accumulators {
  const aggs = fns.map((f) => AGGREGATES[f]);
  return {
    init: () => aggs.map((a) => a.init()),
    add: (states, args, time, origin) =>
      aggs.map((a, i) => a.add(states[i] as Value, { value: args[i] as Value, time, origin }, false)),
    addOwned: (states, args, time, origin) => {
      const c = { value: null as Value, time, origin };
      for (let i = 0; i < aggs.length; i++) {
        c.value = args[i] as Value;
        states[i] = (aggs[i] as Aggregate).add(states[i] as Value, c, true);
      }
    },
    merge: (x, y) => aggs.map((a, i) => a.merge(x[i] as Value, y[i] as Value)),
    mergeOwned: (into, from) => {
      for (let i = 0; i < aggs.length; i++) {
        const a = aggs[i] as Aggregate;
        const x = into[i] as Value;
        const y = from[i] as Value;
        into[i] = a.mergeOwned === undefined ? a.merge(x, y) : a.mergeOwned(x, y);
      }
    },
    results: (states) => aggs.map((a, i) => a.result(states[i] as Value)),
  };
}

// Pattern operator test helpers: the operator harness (../harness.ts) as `fakeTask`, JS predicates as
// step conditions, and `{ ev: row }` source records.
import type { StreamRecord } from "../../../src/core/record.ts";
import type { Row, Value } from "../../../src/core/value.ts";
import type { Env } from "../../../src/operators/pattern/compile-nfa.ts";
import type { Expr } from "../../../src/plan/expr.ts";
import type { TaskStateStores } from "../../../src/state/store.ts";
import { createHarness, type Harness } from "../harness.ts";

/** The operator harness under the pattern tests' name, with `timers()` for its pending timers. */
export interface FakeTask extends Harness {
  timers(): number;
}

export function fakeTask(stores?: TaskStateStores, watermark?: number): FakeTask {
  const harness = createHarness({ stores, watermark });
  return { ...harness, timers: harness.pendingTimers };
}

/** JS predicates that read only the candidate event's `ev` row (see `local`). */
const LOCAL = new WeakSet<(env: Env) => boolean>();

/**
 * Marks a test predicate as reading only the candidate (`env.ev`), never another step or `$steps`,
 * so the pattern operator may use it for its cheap path (src/operators/pattern/inert.ts).
 */
export function local(fn: (env: Env) => boolean): (env: Env) => boolean {
  LOCAL.add(fn);
  return fn;
}

/** JS predicates that read the candidate and `env.$prev` (what `prev(x)` compiles to). */
const READS_PREV = new WeakSet<(env: Env) => boolean>();

/** Marks a test predicate as reading the candidate and the key's previous event (`$prev`). */
export function withPrev(fn: (env: Env) => boolean): (env: Env) => boolean {
  READS_PREV.add(fn);
  return fn;
}

/** `a and b` as one test predicate whose placeholder is an `and` of a's and b's (see `Predicates`). */
const CONJUNCTIONS = new WeakMap<
  (env: Env) => boolean,
  readonly [(env: Env) => boolean, (env: Env) => boolean]
>();

export function both(a: (env: Env) => boolean, b: (env: Env) => boolean): (env: Env) => boolean {
  const fn = (env: Env) => a(env) && b(env);
  CONJUNCTIONS.set(fn, [a, b]);
  return fn;
}

/**
 * Conditions as JS predicates: `cond(fn)` makes a placeholder Expr that `compile` maps back to fn.
 * The placeholder reads `ev` when fn is `local`, `ev` and `$prev` when it is `withPrev`, else
 * `$steps`, so the cheap path's analysis of what a condition reads sees what fn reads.
 */
export class Predicates {
  private readonly fns = new Map<Expr, (env: Env) => boolean>();

  cond(fn: (env: Env) => boolean): Expr {
    const parts = CONJUNCTIONS.get(fn);
    if (parts !== undefined) {
      const [left, right] = [this.cond(parts[0]), this.cond(parts[1])];
      const e: Expr = { kind: "binary", op: "and", left, right, type: { kind: "bool" } };
      const l = this.compile(left);
      const r = this.compile(right);
      this.fns.set(e, (env) => l(env) === true && r(env) === true);
      return e;
    }
    const paths = LOCAL.has(fn) ? [["ev"]] : READS_PREV.has(fn) ? [["ev"], ["$prev"]] : [["$steps"]];
    const args: Expr[] = paths.map((path) => ({ kind: "field", path, type: { kind: "bool" } }));
    const e: Expr = { kind: "call", fn: `pred${this.fns.size}`, args, type: { kind: "bool" } };
    this.fns.set(e, fn);
    return e;
  }

  readonly compile = (e: Expr): ((env: Env) => Value) => {
    const fn = this.fns.get(e);
    if (fn === undefined) throw new Error("unknown test predicate");
    return fn;
  };
}

/** A source record `{ ev: row }` with origin `in/0/offset`. */
export function event(key: string | null, timestamp: number, row: Row, offset: number): StreamRecord {
  return { key, value: { ev: row }, timestamp, origin: { topic: "in", partition: 0, offset } };
}

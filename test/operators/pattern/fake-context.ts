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

/**
 * Conditions as JS predicates: `cond(fn)` makes a placeholder Expr that `compile` maps back to fn.
 * The placeholder reads `ev` when fn is `local`, else `$steps`, so the cheap path's analysis of what
 * a condition reads sees what fn reads.
 */
export class Predicates {
  private readonly fns = new Map<Expr, (env: Env) => boolean>();

  cond(fn: (env: Env) => boolean): Expr {
    const path = LOCAL.has(fn) ? ["ev"] : ["$steps"];
    const arg: Expr = { kind: "field", path, type: { kind: "bool" } };
    const e: Expr = { kind: "call", fn: `pred${this.fns.size}`, args: [arg], type: { kind: "bool" } };
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

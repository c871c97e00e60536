// Test double for the pattern operator: an OperatorContext over the in-memory task stores and the task
// timer table, with a watermark the test advances (timers fire in (time, key) order as it moves).
import type { DeadLetterReason, StreamRecord } from "../../../src/core/record.ts";
import type { Row, Value } from "../../../src/core/value.ts";
import type { Operator, OperatorContext } from "../../../src/operators/operator.ts";
import type { Env } from "../../../src/operators/pattern/compile-nfa.ts";
import type { Expr } from "../../../src/plan/expr.ts";
import { createMemoryTaskStores } from "../../../src/state/memory-stores.ts";
import type { TaskStateStores } from "../../../src/state/store.ts";
import { createTaskTimers, type TaskTimers } from "../../../src/time/timer-service.ts";

export interface FakeTask {
  readonly ctx: OperatorContext;
  readonly out: StreamRecord[];
  readonly dead: { record: StreamRecord; reason: DeadLetterReason }[];
  readonly stores: TaskStateStores;
  attach(op: Operator): void;
  process(record: StreamRecord): void;
  /** Moves the watermark forward (never back) and fires every due timer. */
  advance(watermark: number): void;
  /** End of input: the watermark goes to +infinity. */
  end(): void;
  timers(): number;
  watermark(): number;
}

export function fakeTask(
  stores: TaskStateStores = createMemoryTaskStores(),
  watermark = Number.NEGATIVE_INFINITY,
): FakeTask {
  const timers: TaskTimers = createTaskTimers(stores.store("__timers"));
  let wm = watermark;
  let operator: Operator | undefined;
  const out: StreamRecord[] = [];
  const dead: { record: StreamRecord; reason: DeadLetterReason }[] = [];
  const ctx: OperatorContext = {
    rule: "test",
    params: new Map(),
    store: (name) => stores.store(name),
    timers: timers.forOperator("pattern"),
    watermark: () => wm,
    forward: (r) => out.push(r),
    deadLetter: (record, reason) => dead.push({ record, reason }),
  };
  const fire = () => timers.fireDue(wm, (t) => operator?.onTimer(t.time, t.key));
  return {
    ctx,
    out,
    dead,
    stores,
    attach: (op) => {
      operator = op;
    },
    process: (r) => operator?.process(r),
    advance(w) {
      if (w > wm) wm = w;
      fire();
    },
    end() {
      wm = Number.POSITIVE_INFINITY;
      fire();
    },
    timers: () => timers.size(),
    watermark: () => wm,
  };
}

/** Conditions as JS predicates: `cond(fn)` makes a placeholder Expr that `compile` maps back to fn. */
export class Predicates {
  private readonly fns = new Map<Expr, (env: Env) => boolean>();

  cond(fn: (env: Env) => boolean): Expr {
    const e: Expr = { kind: "literal", value: `pred${this.fns.size}`, type: { kind: "bool" } };
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

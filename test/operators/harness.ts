// Test double for operators: an OperatorContext over the task stores (in memory unless given) and the
// task's timer table, with a watermark the test advances (timers fire in (time, key) order as it moves).
import type { DeadLetterReason, StreamRecord } from "../../src/core/record.ts";
import type { Row, Value } from "../../src/core/value.ts";
import { compileExpr } from "../../src/eval/compile-expr.ts";
import type { Operator, OperatorContext } from "../../src/operators/operator.ts";
import type { Expr } from "../../src/plan/expr.ts";
import { createMemoryTaskStores } from "../../src/state/memory-stores.ts";
import type { KeyValueStore, TaskStateStores } from "../../src/state/store.ts";
import { createTaskTimers } from "../../src/time/timer-service.ts";

export interface DeadLetterCall {
  readonly record: StreamRecord;
  readonly reason: DeadLetterReason;
  readonly message: string;
}

export interface Harness {
  readonly ctx: OperatorContext;
  readonly out: StreamRecord[];
  readonly dead: DeadLetterCall[];
  readonly stores: TaskStateStores;
  readonly compile: (e: Expr) => ReturnType<typeof compileExpr>;
  attach(op: Operator): void;
  process(record: StreamRecord): void;
  /** Moves the watermark forward (never back) and fires every due timer. */
  advance(watermark: number): void;
  /** End of input: watermark to +infinity. */
  end(): void;
  watermark(): number;
  /** Live entries of an operator store. */
  storeSize(name: string): number;
  pendingTimers(): number;
  /** Commits the stores (state and timers) / drops everything since the last commit. */
  commit(): Promise<void>;
  rollback(): void;
}

export interface HarnessOptions {
  readonly params?: ReadonlyMap<string, Value>;
  /** Existing stores, e.g. committed by an earlier harness (a restart); fresh memory stores otherwise. */
  readonly stores?: TaskStateStores;
  /** The starting watermark (a restart resumes where the old task stood). */
  readonly watermark?: number;
}

export function createHarness(options: HarnessOptions = {}): Harness {
  const params = options.params ?? new Map<string, Value>();
  const stores = options.stores ?? createMemoryTaskStores();
  const timers = createTaskTimers(stores.store("__timers"));
  let wm = options.watermark ?? Number.NEGATIVE_INFINITY;
  let operator: Operator | undefined;
  const out: StreamRecord[] = [];
  const dead: DeadLetterCall[] = [];
  const ctx: OperatorContext = {
    rule: "test_rule",
    params,
    store: (name) => stores.store(name),
    timers: timers.forOperator("op"),
    watermark: () => wm,
    forward: (r) => out.push(r),
    deadLetter: (record, reason, message) => dead.push({ record, reason, message }),
  };
  const fire = () => timers.fireDue(wm, (t) => operator?.onTimer(t.time, t.key));
  return {
    ctx,
    out,
    dead,
    stores,
    compile: (e) => compileExpr(e, params),
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
    watermark: () => wm,
    storeSize: (name) => stores.store(name).size(),
    pendingTimers: () => timers.size(),
    commit: () => {
      timers.flush();
      return stores.commit({ inputOffsets: {}, changelogOffsets: {}, meta: {} });
    },
    rollback: () => {
      stores.rollback();
      timers.invalidate();
    },
  };
}

/** A source-like record: `{ [alias]: row }` with origin `in/0/offset`. */
export function rec(key: string | null, timestamp: number, row: Row, alias = "s", offset = 0): StreamRecord {
  return { key, value: { [alias]: row }, timestamp, origin: { topic: "in", partition: 0, offset } };
}

/** `s`, calling `onWrite` on every put and delete (tests that count an operator's store writes). */
export function countingStore(s: KeyValueStore, onWrite: () => void): KeyValueStore {
  return {
    name: s.name,
    get: (k) => s.get(k),
    owns: (k) => s.owns(k),
    put: (k, v) => {
      onWrite();
      s.put(k, v);
    },
    delete: (k) => {
      onWrite();
      s.delete(k);
    },
    range: (a, b) => s.range(a, b),
    prefix: (p) => s.prefix(p),
    entries: () => s.entries(),
    size: () => s.size(),
  };
}

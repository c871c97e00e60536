// Operators stage: tumbling and hopping window aggregation. A window [start, end) closes when the
// watermark reaches end + grace; a record whose windows are all closed is late (dead letter).
// Emit final forwards once at close; emit changes forwards on every update. Closed windows are deleted.
import type { StreamRecord } from "../../core/record.ts";
import type { Value } from "../../core/value.ts";
import type { KeyValueStore } from "../../state/store.ts";
import type { Operator } from "../operator.ts";
import { decodeKey, encodeKey, encodeTime, keyScope, originTuple } from "../store-keys.ts";
import { addToState, asState, asValue, emptyState, type WindowCommon } from "./window-state.ts";

/** Creates a fixed-window aggregation over `assign` (the tumbling or hopping window starts of a time). */
export function createFixedWindowOperator(
  common: WindowCommon,
  sizeMs: number,
  assign: (t: number) => number[],
): Operator {
  return new FixedWindows(common, sizeMs, assign);
}

class FixedWindows implements Operator {
  private readonly common: WindowCommon;
  private readonly size: number;
  private readonly grace: number;
  private readonly assign: (t: number) => number[];
  private readonly store: KeyValueStore;

  constructor(common: WindowCommon, sizeMs: number, assign: (t: number) => number[]) {
    this.common = common;
    this.size = sizeMs;
    this.grace = common.op.graceMs;
    this.assign = assign;
    this.store = common.ctx.store(common.op.store.name);
  }

  process(record: StreamRecord): void {
    const watermark = this.common.ctx.watermark();
    const encodedKey = encodeKey(record.key);
    let args: Value[] | null = null;
    const starts = this.assign(record.timestamp);
    for (const start of starts) {
      if (start + this.size + this.grace <= watermark) continue;
      args ??= this.common.args(record.value);
      this.addTo(record, encodedKey, start, args);
    }
    // No window at all (a hopping advance larger than the size leaves gaps): not late, just unwindowed.
    if (args === null && starts.length > 0) {
      const msg = `${this.common.op.name}: event time ${record.timestamp} is behind watermark ${watermark} by more than its windows' grace (${this.grace} ms)`;
      this.common.ctx.deadLetter(record, "late-record", msg);
    }
  }

  /** The window ending at time - grace is due: emit it (emit final) and delete it. */
  onTimer(time: number, encodedKey: string): void {
    const start = time - this.grace - this.size;
    const sk = keyScope(encodedKey) + encodeTime(start);
    const state = asState(this.store.get(sk));
    if (state === undefined) return;
    if (this.common.op.emit === "final")
      this.common.emit(state, decodeKey(encodedKey), start, start + this.size, start + this.size);
    this.store.delete(sk);
  }

  private addTo(record: StreamRecord, encodedKey: string, start: number, args: readonly Value[]): void {
    const { common, store } = this;
    const end = start + this.size;
    const sk = keyScope(encodedKey) + encodeTime(start);
    const before = asState(store.get(sk)) ?? emptyState(common, record);
    const state = addToState(common, before, args, record.timestamp, originTuple(record.origin));
    store.put(sk, asValue(state));
    common.ctx.timers.register(end + this.grace, encodedKey);
    if (common.op.emit === "changes") common.emit(state, record.key, start, end, end);
  }
}

// Operators stage: sliding windows, one per record: (t - size, t], ending at the record's time (an
// OVER window with a RANGE frame). Records are kept per key for size + grace so a window can be
// aggregated when it is due. Times are integer ms, so (t - size, t] = [t - size + 1, t + 1): the
// window closes when the watermark reaches t + 1 + grace; a record whose own window is closed is late.
import type { StreamRecord } from "../../core/record.ts";
import type { Row, Value } from "../../core/value.ts";
import type { KeyValueStore } from "../../state/store.ts";
import type { Operator } from "../operator.ts";
import {
  decodeKey,
  encodeIndex,
  encodeKey,
  encodeTime,
  keyScope,
  type OriginTuple,
  originTuple,
} from "../store-keys.ts";
import { addToState, type WindowCommon, type WindowState } from "./window-state.ts";

/** One kept record: event time, aggregate arguments, group-by values, origin. */
interface Entry {
  readonly t: number;
  readonly a: readonly Value[];
  readonly g: Row;
  readonly o: OriginTuple;
}

/** Timer key prefixes: emit the windows ending at a time / expire the records no window needs. */
const EMIT = "e";
const EXPIRE = "x";

/** Creates the sliding-window aggregation (emit changes: on arrival; emit final: when the window closes). */
export function createSlidingWindowOperator(common: WindowCommon, sizeMs: number): Operator {
  return new SlidingWindows(common, sizeMs);
}

class SlidingWindows implements Operator {
  private readonly common: WindowCommon;
  private readonly size: number;
  private readonly grace: number;
  private readonly store: KeyValueStore;

  constructor(common: WindowCommon, sizeMs: number) {
    this.common = common;
    this.size = sizeMs;
    this.grace = common.op.graceMs;
    this.store = common.ctx.store(common.op.store.name);
  }

  process(record: StreamRecord): void {
    const { ctx, op } = this.common;
    const t = record.timestamp;
    const watermark = ctx.watermark();
    if (t + 1 + this.grace <= watermark) {
      const msg = `${op.name}: event time ${t} is more than the grace (${this.grace} ms) behind watermark ${watermark}`;
      ctx.deadLetter(record, "late-record", msg);
      return;
    }
    const encodedKey = encodeKey(record.key);
    const entry = this.keep(record, keyScope(encodedKey));
    ctx.timers.register(t + this.size + this.grace, EXPIRE + encodedKey);
    if (op.emit === "changes") this.emitAt(keyScope(encodedKey), record.key, entry);
    else ctx.timers.register(t + 1 + this.grace, EMIT + encodedKey);
  }

  onTimer(time: number, timerKey: string): void {
    const encodedKey = timerKey.slice(1);
    const scope = keyScope(encodedKey);
    if (timerKey.startsWith(EMIT)) {
      const t = time - 1 - this.grace;
      const due = [...this.store.prefix(scope + encodeTime(t) + "|")];
      for (const [, v] of due) this.emitAt(scope, decodeKey(encodedKey), v as unknown as Entry);
      return;
    }
    const upTo = scope + encodeTime(time - this.size - this.grace + 1);
    const expired = [...this.store.range(scope, upTo)].map(([k]) => k);
    for (const k of expired) this.store.delete(k);
  }

  /** Keeps the record under key/time/arrival. */
  private keep(record: StreamRecord, scope: string): Entry {
    const at = scope + encodeTime(record.timestamp) + "|";
    let index = 0;
    for (const _ of this.store.prefix(at)) index++;
    const entry: Entry = {
      t: record.timestamp,
      a: this.common.args(record.value),
      g: this.common.groupBy(record.value),
      o: originTuple(record.origin),
    };
    this.store.put(at + encodeIndex(index), entry as unknown as Value);
    return entry;
  }

  /** Aggregates the kept records of the key in (t - size, t] and emits the entry's window. */
  private emitAt(scope: string, key: string | null, entry: Entry): void {
    const t = entry.t;
    let state: WindowState = { g: entry.g, a: this.common.acc.init(), n: 0, f: entry.o, l: entry.o };
    for (const [, v] of this.store.range(scope + encodeTime(t - this.size + 1), scope + encodeTime(t + 1))) {
      const e = v as unknown as Entry;
      state = addToState(this.common, state, e.a, e.t, e.o);
    }
    this.common.emit(state, key, t - this.size, t, t);
  }
}

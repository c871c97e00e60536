// Operators stage: sliding windows, one per record: (t - size, t], ending at the record's time (an
// OVER window with a RANGE frame). Records are kept per key for size + grace so a window can be
// aggregated when it is due. Times are integer ms, so (t - size, t] = [t - size + 1, t + 1): the
// window closes when the watermark reaches t + 1 + grace; a record whose own window is closed is late.
import type { StreamRecord } from "../../core/record.ts";
import type { Row, Value } from "../../core/value.ts";
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
import { addToState, emptyState, type WindowCommon, type WindowState } from "./window-state.ts";

/** One kept record: event time, aggregate arguments, group-by values, origin. */
interface Entry {
  readonly t: number;
  readonly a: readonly Value[];
  readonly g: Row;
  readonly o: OriginTuple;
}

const EMIT = "e";
const EXPIRE = "x";

/** Creates the sliding-window aggregation (emit changes: on arrival; emit final: when the window closes). */
export function createSlidingWindowOperator(common: WindowCommon, sizeMs: number): Operator {
  const { op, ctx } = common;
  const store = ctx.store(op.store.name);
  const grace = op.graceMs;
  const emitChanges = op.emit === "changes";

  /** Aggregates the kept records of a key in (t - size, t]. */
  function aggregate(scope: string, t: number, g: Row, seed: OriginTuple): WindowState {
    let state: WindowState = { g, a: common.acc.init(), n: 0, f: seed, l: seed };
    for (const [, v] of store.range(scope + encodeTime(t - sizeMs + 1), scope + encodeTime(t + 1))) {
      const e = v as unknown as Entry;
      state = addToState(common, state, e.a, e.t, e.o);
    }
    return state;
  }

  function emitAt(scope: string, key: string | null, t: number, entry: Entry): void {
    common.emit(aggregate(scope, t, entry.g, entry.o), key, t - sizeMs, t, t);
  }

  function keep(record: StreamRecord, scope: string): Entry {
    const at = scope + encodeTime(record.timestamp) + "|";
    let index = 0;
    for (const _ of store.prefix(at)) index++;
    const g = emptyState(common, record).g;
    const entry: Entry = {
      t: record.timestamp,
      a: common.args(record.value),
      g,
      o: originTuple(record.origin),
    };
    store.put(at + encodeIndex(index), entry as unknown as Value);
    return entry;
  }

  return {
    process(record) {
      const t = record.timestamp;
      const watermark = ctx.watermark();
      if (t + 1 + grace <= watermark) {
        const msg = `${op.name}: event time ${t} is more than the grace (${grace} ms) behind watermark ${watermark}`;
        ctx.deadLetter(record, "late-record", msg);
        return;
      }
      const encodedKey = encodeKey(record.key);
      const scope = keyScope(encodedKey);
      const entry = keep(record, scope);
      ctx.timers.register(t + sizeMs + grace, EXPIRE + encodedKey);
      if (emitChanges) emitAt(scope, record.key, t, entry);
      else ctx.timers.register(t + 1 + grace, EMIT + encodedKey);
    },
    onTimer(time, timerKey) {
      const encodedKey = timerKey.slice(1);
      const scope = keyScope(encodedKey);
      if (timerKey.startsWith(EMIT)) {
        const t = time - 1 - grace;
        const entries = [...store.prefix(scope + encodeTime(t) + "|")];
        for (const [, v] of entries) emitAt(scope, decodeKey(encodedKey), t, v as unknown as Entry);
        return;
      }
      const expired = [...store.range(scope, scope + encodeTime(time - sizeMs - grace + 1))].map(([k]) => k);
      for (const k of expired) store.delete(k);
    },
  };
}

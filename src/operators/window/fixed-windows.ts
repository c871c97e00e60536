// Operators stage: tumbling and hopping window aggregation. A window [start, end) closes when the
// watermark reaches end + grace; a record whose windows are all closed is late (dead letter).
// Emit final forwards once at close; emit changes forwards on every update. Closed windows are deleted.
import type { StreamRecord } from "../../core/record.ts";
import type { Operator } from "../operator.ts";
import { decodeKey, encodeKey, encodeTime, keyScope, originTuple } from "../store-keys.ts";
import { addToState, asState, asValue, emptyState, type WindowCommon } from "./window-state.ts";

/** Creates a fixed-window aggregation over `assign` (tumbling or hopping window starts for a time). */
export function createFixedWindowOperator(
  common: WindowCommon,
  sizeMs: number,
  assign: (t: number) => number[],
): Operator {
  const { op, ctx } = common;
  const store = ctx.store(op.store.name);
  const grace = op.graceMs;
  const emitChanges = op.emit === "changes";
  const stateKey = (encodedKey: string, start: number) => keyScope(encodedKey) + encodeTime(start);

  function addTo(
    record: StreamRecord,
    encodedKey: string,
    start: number,
    args: ReturnType<WindowCommon["args"]>,
  ) {
    const sk = stateKey(encodedKey, start);
    const before = asState(store.get(sk)) ?? emptyState(common, record);
    const state = addToState(common, before, args, record.timestamp, originTuple(record.origin));
    store.put(sk, asValue(state));
    ctx.timers.register(start + sizeMs + grace, encodedKey);
    if (emitChanges) common.emit(state, record.key, start, start + sizeMs, start + sizeMs);
  }

  return {
    process(record) {
      const watermark = ctx.watermark();
      const encodedKey = encodeKey(record.key);
      let args: ReturnType<WindowCommon["args"]> | null = null;
      for (const start of assign(record.timestamp)) {
        if (start + sizeMs + grace <= watermark) continue;
        args ??= common.args(record.value);
        addTo(record, encodedKey, start, args);
      }
      if (args === null) {
        ctx.deadLetter(
          record,
          "late-record",
          `${op.name}: event time ${record.timestamp} is behind watermark ${watermark} by more than its windows' grace (${grace} ms)`,
        );
      }
    },
    onTimer(time, encodedKey) {
      const start = time - grace - sizeMs;
      const sk = stateKey(encodedKey, start);
      const state = asState(store.get(sk));
      if (state === undefined) return;
      if (!emitChanges) common.emit(state, decodeKey(encodedKey), start, start + sizeMs, start + sizeMs);
      store.delete(sk);
    },
  };
}

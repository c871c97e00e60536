// Operators stage: session windows. A session is a maximal run of a key's records whose consecutive
// event times are less than `gap` apart: [first, last + gap). A record within gap of one or more
// sessions merges them. A record more than grace behind the watermark is late; so a session can no
// longer grow once the watermark reaches last + gap + grace, and it closes (emits final, is deleted) then.
import type { StreamRecord } from "../../core/record.ts";
import type { Operator } from "../operator.ts";
import { decodeKey, encodeKey, encodeTime, keyScope, originTuple } from "../store-keys.ts";
import {
  addToState,
  asValue,
  emptyState,
  mergeStates,
  type WindowCommon,
  type WindowState,
} from "./window-state.ts";

/** A stored session: its first and last event times and its window state. */
interface Session extends WindowState {
  readonly s: number;
  readonly e: number;
}

/** Creates the session-window aggregation; emit changes forwards the merged session on every record. */
export function createSessionWindowOperator(common: WindowCommon, gapMs: number): Operator {
  const { op, ctx } = common;
  const store = ctx.store(op.store.name);
  const grace = op.graceMs;
  const emitChanges = op.emit === "changes";
  const closeTime = (s: Session) => s.e + gapMs + grace;

  /** Sessions of the key the time merges with (|t - x| < gap for some x in [s, e]), with their store keys. */
  function touching(scope: string, t: number): [string, Session][] {
    const out: [string, Session][] = [];
    for (const [k, v] of store.prefix(scope)) {
      const s = v as unknown as Session;
      if (s.s - gapMs < t && t < s.e + gapMs) out.push([k, s]);
    }
    return out;
  }

  function absorb(record: StreamRecord, scope: string, encodedKey: string): Session {
    const t = record.timestamp;
    const fresh = emptyState(common, record);
    let merged: Session = {
      ...addToState(common, fresh, common.args(record.value), t, originTuple(record.origin)),
      s: t,
      e: t,
    };
    for (const [k, old] of touching(scope, t)) {
      store.delete(k);
      ctx.timers.cancel(closeTime(old), encodedKey);
      const first = old.s <= merged.s ? old : merged;
      merged = {
        ...mergeStates(common, first, first === old ? merged : old),
        s: Math.min(old.s, merged.s),
        e: Math.max(old.e, merged.e),
      };
    }
    store.put(scope + encodeTime(merged.s), asValue(merged));
    ctx.timers.register(closeTime(merged), encodedKey);
    return merged;
  }

  return {
    process(record) {
      const watermark = ctx.watermark();
      if (record.timestamp < watermark - grace) {
        const msg = `${op.name}: event time ${record.timestamp} is more than the grace (${grace} ms) behind watermark ${watermark}`;
        ctx.deadLetter(record, "late-record", msg);
        return;
      }
      const encodedKey = encodeKey(record.key);
      const session = absorb(record, keyScope(encodedKey), encodedKey);
      if (emitChanges) common.emit(session, record.key, session.s, session.e + gapMs, session.e + gapMs);
    },
    onTimer(time, encodedKey) {
      const scope = keyScope(encodedKey);
      for (const [k, v] of [...store.prefix(scope)]) {
        const s = v as unknown as Session;
        if (closeTime(s) !== time) continue;
        if (!emitChanges) common.emit(s, decodeKey(encodedKey), s.s, s.e + gapMs, s.e + gapMs);
        store.delete(k);
      }
    },
  };
}

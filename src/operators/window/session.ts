// Operators stage: session windows. A session is a maximal run of a key's records whose consecutive
// event times are less than `gap` apart: [first, last + gap). A record within gap of one or more
// sessions merges them. A record more than grace behind the watermark is late; so a session can no
// longer grow once the watermark reaches last + gap + grace, and it closes (emits final, is deleted) then.
import type { StreamRecord } from "../../core/record.ts";
import type { Value } from "../../core/value.ts";
import type { KeyValueStore } from "../../state/store.ts";
import type { Operator } from "../operator.ts";
import { decodeKey, encodeKey, encodeTime, keyScope, originTuple } from "../store-keys.ts";
import { addToState, emptyState, mergeStates, type WindowCommon, type WindowState } from "./window-state.ts";

/** A stored session: its first and last event times and its window state. */
interface Session extends WindowState {
  readonly s: number;
  readonly e: number;
}

/** Creates the session-window aggregation; emit changes forwards the merged session on every record. */
export function createSessionWindowOperator(common: WindowCommon, gapMs: number): Operator {
  return new SessionWindows(common, gapMs);
}

class SessionWindows implements Operator {
  private readonly common: WindowCommon;
  private readonly gap: number;
  private readonly grace: number;
  private readonly store: KeyValueStore;

  constructor(common: WindowCommon, gapMs: number) {
    this.common = common;
    this.gap = gapMs;
    this.grace = common.op.graceMs;
    this.store = common.ctx.store(common.op.store.name);
  }

  process(record: StreamRecord): void {
    const { ctx, op } = this.common;
    const watermark = ctx.watermark();
    if (record.timestamp < watermark - this.grace) {
      const msg = `${op.name}: event time ${record.timestamp} is more than the grace (${this.grace} ms) behind watermark ${watermark}`;
      ctx.deadLetter(record, "late-record", msg);
      return;
    }
    const session = this.absorb(record, encodeKey(record.key));
    if (op.emit === "changes") this.emitSession(session, record.key);
  }

  onTimer(time: number, encodedKey: string): void {
    for (const [k, v] of [...this.store.prefix(keyScope(encodedKey))]) {
      const session = v as unknown as Session;
      if (this.closeTime(session) !== time) continue;
      if (this.common.op.emit === "final") this.emitSession(session, decodeKey(encodedKey));
      this.store.delete(k);
    }
  }

  private closeTime(s: Session): number {
    return s.e + this.gap + this.grace;
  }

  private emitSession(s: Session, key: string | null): void {
    this.common.emit(s, key, s.s, s.e + this.gap, s.e + this.gap);
  }

  /** Adds the record as a one-record session merged with every session it touches; returns the result. */
  private absorb(record: StreamRecord, encodedKey: string): Session {
    const { common, store } = this;
    const t = record.timestamp;
    const scope = keyScope(encodedKey);
    const own = addToState(
      common,
      emptyState(common, record),
      common.args(record.value),
      t,
      originTuple(record.origin),
    );
    let merged: Session = { ...own, s: t, e: t };
    for (const [k, old] of this.touching(scope, t)) {
      store.delete(k);
      common.ctx.timers.cancel(this.closeTime(old), encodedKey);
      const [first, second] = old.s <= merged.s ? [old, merged] : [merged, old];
      merged = { ...mergeStates(common, first, second), s: first.s, e: Math.max(old.e, merged.e) };
    }
    store.put(scope + encodeTime(merged.s), merged as unknown as Value);
    common.ctx.timers.register(this.closeTime(merged), encodedKey);
    return merged;
  }

  /** The key's sessions the time merges with (|t - x| < gap for some x in [s, e]), with their store keys. */
  private touching(scope: string, t: number): [string, Session][] {
    const out: [string, Session][] = [];
    for (const [k, v] of this.store.prefix(scope)) {
      const s = v as unknown as Session;
      if (s.s - this.gap < t && t < s.e + this.gap) out.push([k, s]);
    }
    return out;
  }
}

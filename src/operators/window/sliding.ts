// Operators stage: sliding windows, one per record: (t - size, t], ending at the record's time (an
// OVER window with a RANGE frame). Records are kept per key for size + grace so a window can be
// aggregated when it is due. Times are integer ms, so (t - size, t] = [t - size + 1, t + 1): the
// window closes when the watermark reaches t + 1 + grace; a record whose own window is closed is late.
// Panes ("No pane, no gain", Li et al., SIGMOD Record 2005): records are also summed per pane of
// size/32, so a window folds its whole panes plus the records of the two partial panes at its edges.
import type { StreamRecord } from "../../core/record.ts";
import type { Row, Value } from "../../core/value.ts";
import type { KeyValueStore } from "../../state/store.ts";
import type { Operator } from "../operator.ts";
import {
  compareOrigins,
  decodeKey,
  encodeIndex,
  encodeKey,
  encodeTime,
  keyScope,
  type OriginTuple,
  originTuple,
} from "../store-keys.ts";
import { addToState, asState, asValue, type WindowCommon, type WindowState } from "./window-state.ts";

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
/** Panes per window; pane keys start with "#" (record keys start with a digit: the scope's length). */
const PANES = 32;
const PANE = "#";

/** Creates the sliding-window aggregation (emit changes: on arrival; emit final: when the window closes). */
export function createSlidingWindowOperator(common: WindowCommon, sizeMs: number): Operator {
  return new SlidingWindows(common, sizeMs);
}

/** A window's aggregate being folded: states owned by the fold, count and evidence origins. */
interface Fold {
  readonly states: Value[];
  n: number;
  f: OriginTuple;
  l: OriginTuple;
}

class SlidingWindows implements Operator {
  private readonly common: WindowCommon;
  private readonly size: number;
  private readonly grace: number;
  private readonly pane: number;
  private readonly store: KeyValueStore;

  constructor(common: WindowCommon, sizeMs: number) {
    this.common = common;
    this.size = sizeMs;
    this.grace = common.op.graceMs;
    this.pane = Math.max(1, Math.ceil(sizeMs / PANES));
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
    // Expire the record with its pane: once no open or future window can contain the pane's last ms.
    const paneEnd = Math.floor(t / this.pane) * this.pane + this.pane;
    ctx.timers.register(paneEnd - 1 + this.size + this.grace, EXPIRE + encodedKey);
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
    // Records at or before `last` are in no open or future window; neither are panes ending by then.
    const last = time - this.size - this.grace;
    const expired = [...this.store.range(scope, scope + encodeTime(last + 1))].map(([k]) => k);
    const panes = this.store.range(PANE + scope, PANE + scope + encodeTime(last - this.pane + 2));
    for (const [k] of panes) expired.push(k);
    for (const k of expired) this.store.delete(k);
  }

  /** Keeps the record under key/time/arrival and adds it to its pane. */
  private keep(record: StreamRecord, scope: string): Entry {
    const t = record.timestamp;
    const at = scope + encodeTime(t) + "|";
    let index = 0;
    for (const _ of this.store.prefix(at)) index++;
    const g = this.common.groupBy(record.value);
    const entry: Entry = { t, a: this.common.args(record.value), g, o: originTuple(record.origin) };
    this.store.put(at + encodeIndex(index), entry as unknown as Value);
    const paneKey = PANE + scope + encodeTime(Math.floor(t / this.pane) * this.pane);
    const before = asState(this.store.get(paneKey)) ?? {
      g,
      a: this.common.acc.init(),
      n: 0,
      f: entry.o,
      l: entry.o,
    };
    this.store.put(paneKey, asValue(addToState(this.common, before, entry.a, t, entry.o)));
    return entry;
  }

  /** Aggregates the key's records in (t - size, t]: edge records one by one, whole panes merged. */
  private emitAt(scope: string, key: string | null, entry: Entry): void {
    const t = entry.t;
    const lo = t - this.size + 1;
    const firstFull = Math.ceil(lo / this.pane) * this.pane;
    const fullEnd = Math.floor((t + 1) / this.pane) * this.pane;
    const fold: Fold = { states: this.common.acc.init(), n: 0, f: entry.o, l: entry.o };
    if (firstFull >= fullEnd) this.foldRecords(fold, scope, lo, t + 1);
    else {
      this.foldRecords(fold, scope, lo, firstFull);
      for (const [, v] of this.store.range(
        PANE + scope + encodeTime(firstFull),
        PANE + scope + encodeTime(fullEnd),
      )) {
        this.foldState(fold, v as unknown as WindowState);
      }
      this.foldRecords(fold, scope, fullEnd, t + 1);
    }
    const state: WindowState = { g: entry.g, a: fold.states, n: fold.n, f: fold.f, l: fold.l };
    this.common.emit(state, key, t - this.size, t, t);
  }

  /** Folds the kept records with from <= t < to. */
  private foldRecords(fold: Fold, scope: string, from: number, to: number): void {
    for (const [, v] of this.store.range(scope + encodeTime(from), scope + encodeTime(to))) {
      const e = v as unknown as Entry;
      this.common.acc.addOwned(fold.states, e.a, e.t, e.o);
      this.foldOrigins(fold, e.o, e.o, 1);
    }
  }

  /** Merges a pane's state into the fold (merge results are fresh, so the fold still owns its states). */
  private foldState(fold: Fold, pane: WindowState): void {
    const merged = this.common.acc.merge(fold.states, pane.a);
    for (let i = 0; i < merged.length; i++) fold.states[i] = merged[i] as Value;
    this.foldOrigins(fold, pane.f, pane.l, pane.n);
  }

  private foldOrigins(fold: Fold, first: OriginTuple, last: OriginTuple, count: number): void {
    if (fold.n === 0 || compareOrigins(first, fold.f) < 0) fold.f = first;
    if (fold.n === 0 || compareOrigins(last, fold.l) > 0) fold.l = last;
    fold.n += count;
  }
}

// Operators stage: sliding windows, one per record: (t - size, t], ending at the record's time (an
// OVER window with a RANGE frame). Records are kept per key for size + grace so a window can be
// aggregated when it is due. Times are integer ms, so (t - size, t] = [t - size + 1, t + 1): the
// window closes when the watermark reaches t + 1 + grace; a record whose own window is closed is late.
// Panes ("No pane, no gain", Li et al., SIGMOD Record 2005): records are also summed per pane of
// size/32, so a window folds its whole panes plus the records of the two partial panes at its edges.
// A key's kept records and panes are one store entry (two arrays in time order), read by key: a
// record costs a get and binary searches, with no range scan of the store. The entry is copied once
// per commit (its first write since the commit, when the store does not own it) and updated in
// place after that, so a key's records are not copied per record.
import type { StreamRecord } from "../../core/record.ts";
import type { Row, Value } from "../../core/value.ts";
import type { KeyValueStore } from "../../state/store.ts";
import type { Operator } from "../operator.ts";
import {
  compareOrigins,
  decodeKey,
  encodeKey,
  keyScope,
  type OriginTuple,
  originTuple,
} from "../store-keys.ts";
import { lowerBound } from "./lower-bound.ts";
import {
  addInPlace,
  addToState,
  type OwnedWindowState,
  type WindowCommon,
  type WindowState,
} from "./window-state.ts";

/** One kept record: event time, aggregate arguments, group-by values, origin. */
interface Entry {
  readonly t: number;
  readonly a: readonly Value[];
  readonly g: Row;
  readonly o: OriginTuple;
}

/** A pane: its start time and the state of the records in [s, s + pane). */
interface Pane {
  readonly s: number;
  readonly w: WindowState;
}

/** A key's state: kept records in (time, arrival) order, panes in time order. */
interface KeyState {
  readonly e: readonly Entry[];
  readonly p: readonly Pane[];
}

/** A key's state as the operator owns it since the last commit: its arrays are updated in place. */
interface OwnedKeyState {
  e: Entry[];
  p: Pane[];
}

/** Timer key prefixes: emit the windows ending at a time / expire the records no window needs. */
const EMIT = "e";
const EXPIRE = "x";
/** Panes per window. */
const PANES = 32;

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
    const scope = keyScope(encodedKey);
    const [state, entry, newPane] = this.keep(record, scope);
    // Expire the record with its pane: once no open or future window can contain the pane's last ms.
    // The pane's timer is registered when the pane is made; it expires the pane, so no later record
    // finds the pane without its timer (such a record would be late).
    const paneEnd = Math.floor(t / this.pane) * this.pane + this.pane;
    if (newPane) ctx.timers.register(paneEnd - 1 + this.size + this.grace, EXPIRE + encodedKey);
    if (op.emit === "changes") this.emitAt(state, record.key, entry);
    else ctx.timers.register(t + 1 + this.grace, EMIT + encodedKey);
  }

  onTimer(time: number, timerKey: string): void {
    const encodedKey = timerKey.slice(1);
    const scope = keyScope(encodedKey);
    const state = this.store.get(scope) as unknown as KeyState | undefined;
    if (state === undefined) return;
    if (timerKey.startsWith(EMIT)) {
      const t = time - 1 - this.grace;
      const key = decodeKey(encodedKey);
      for (let i = firstAtOrAfter(state.e, t); i < state.e.length; i++) {
        const e = state.e[i] as Entry;
        if (e.t !== t) break;
        this.emitAt(state, key, e);
      }
      return;
    }
    // Records at or before `last` are in no open or future window; neither are panes ending by then.
    const last = time - this.size - this.grace;
    const entries = firstAtOrAfter(state.e, last + 1);
    const panes = firstPaneAtOrAfter(state.p, last - this.pane + 2);
    if (entries === state.e.length && panes === state.p.length) this.store.delete(scope);
    else if (entries === 0 && panes === 0) return;
    else if (this.store.owns(scope)) {
      const owned = state as OwnedKeyState;
      owned.e.splice(0, entries);
      owned.p.splice(0, panes);
    } else this.put(scope, { e: state.e.slice(entries), p: state.p.slice(panes) });
  }

  /** Keeps the record after the key's records of the same time and adds it to its pane. */
  private keep(record: StreamRecord, scope: string): [KeyState, Entry, boolean] {
    const t = record.timestamp;
    const state = this.owned(scope);
    const entry: Entry = {
      t,
      a: this.common.args(record.value),
      g: this.common.groupBy(record.value),
      o: originTuple(record.origin),
    };
    state.e.splice(firstAtOrAfter(state.e, t + 1), 0, entry);
    const start = Math.floor(t / this.pane) * this.pane;
    const i = firstPaneAtOrAfter(state.p, start);
    const found = state.p[i]?.s === start ? state.p[i] : undefined;
    if (found === undefined) {
      const w: OwnedWindowState = { g: entry.g, a: this.common.acc.init(), n: 0, f: entry.o, l: entry.o };
      addInPlace(this.common, w, entry.a, t, entry.o);
      state.p.splice(i, 0, { s: start, w });
    } else state.p[i] = { s: start, w: addToState(this.common, found.w, entry.a, t, entry.o) };
    return [state, entry, found === undefined];
  }

  // The key's state to update in place: the stored entry when the store owns it, else a copy of
  // its two arrays put in its place (records and panes are shared: they are replaced, never changed).
  private owned(scope: string): OwnedKeyState {
    const stored = this.store.get(scope) as unknown as KeyState | undefined;
    if (stored !== undefined && this.store.owns(scope)) return stored as OwnedKeyState;
    const copy: OwnedKeyState =
      stored === undefined ? { e: [], p: [] } : { e: stored.e.slice(), p: stored.p.slice() };
    this.put(scope, copy);
    return copy;
  }

  private put(scope: string, state: KeyState): void {
    this.store.put(scope, state as unknown as Value);
  }

  /** Aggregates the key's records in (t - size, t]: edge records one by one, whole panes merged. */
  private emitAt(state: KeyState, key: string | null, entry: Entry): void {
    const t = entry.t;
    const lo = t - this.size + 1;
    const firstFull = Math.ceil(lo / this.pane) * this.pane;
    const fullEnd = Math.floor((t + 1) / this.pane) * this.pane;
    const fold: Fold = { states: this.common.acc.init(), n: 0, f: entry.o, l: entry.o };
    if (firstFull >= fullEnd) this.foldRecords(fold, state.e, lo, t + 1);
    else {
      this.foldRecords(fold, state.e, lo, firstFull);
      for (let i = firstPaneAtOrAfter(state.p, firstFull); i < state.p.length; i++) {
        const pane = state.p[i] as Pane;
        if (pane.s >= fullEnd) break;
        this.foldState(fold, pane.w);
      }
      this.foldRecords(fold, state.e, fullEnd, t + 1);
    }
    const result: WindowState = { g: entry.g, a: fold.states, n: fold.n, f: fold.f, l: fold.l };
    this.common.emit(result, key, t - this.size, t, t);
  }

  /** Folds the kept records with from <= t < to, in (time, arrival) order. */
  private foldRecords(fold: Fold, entries: readonly Entry[], from: number, to: number): void {
    for (let i = firstAtOrAfter(entries, from); i < entries.length; i++) {
      const e = entries[i] as Entry;
      if (e.t >= to) break;
      this.common.acc.addOwned(fold.states, e.a, e.t, e.o);
      this.foldOrigins(fold, e.o, e.o, 1);
    }
  }

  /** Merges a pane's state into the fold's own states, in place (the pane is only read). */
  private foldState(fold: Fold, pane: WindowState): void {
    this.common.acc.mergeOwned(fold.states, pane.a);
    this.foldOrigins(fold, pane.f, pane.l, pane.n);
  }

  private foldOrigins(fold: Fold, first: OriginTuple, last: OriginTuple, count: number): void {
    if (fold.n === 0 || compareOrigins(first, fold.f) < 0) fold.f = first;
    if (fold.n === 0 || compareOrigins(last, fold.l) > 0) fold.l = last;
    fold.n += count;
  }
}

/** The index of the first record with time >= t. */
function firstAtOrAfter(entries: readonly Entry[], t: number): number {
  return lowerBound(entries, t, (e) => e.t);
}

/** The index of the first pane starting at or after s. */
function firstPaneAtOrAfter(panes: readonly Pane[], s: number): number {
  return lowerBound(panes, s, (p) => p.s);
}

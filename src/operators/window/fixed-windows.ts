// Operators stage: tumbling and hopping window aggregation. A window [start, end) closes when the
// watermark reaches end + grace; a record whose windows are all closed is late (dead letter).
// Emit final forwards once at close; emit changes forwards on every update. Closed windows are deleted.
// A key's open windows are one store entry (its windows in start order), so a record costs one get
// whatever the number of windows it falls in. The entry is copied once per commit (the first write
// of the key since the commit, when the store does not own it) and updated in place after that.
import type { StreamRecord } from "../../core/record.ts";
import type { Value } from "../../core/value.ts";
import type { KeyValueStore } from "../../state/store.ts";
import type { Operator } from "../operator.ts";
import { decodeKey, encodeKey, keyScope, originTuple } from "../store-keys.ts";
import { lowerBound } from "./lower-bound.ts";
import {
  addInPlace,
  emptyState,
  type OwnedWindowState,
  ownedCopy,
  type WindowCommon,
  type WindowState,
} from "./window-state.ts";

/** One open window of a key: its start and its state. */
type OpenWindow = readonly [start: number, state: WindowState];

/** The open windows of a key as this operator owns them since the last commit (updated in place). */
type OwnedWindows = [start: number, state: OwnedWindowState][];

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
    const { common } = this;
    const watermark = common.ctx.watermark();
    const encodedKey = encodeKey(record.key);
    const scope = keyScope(encodedKey);
    let args: Value[] | null = null;
    let windows: OwnedWindows | null = null;
    const starts = this.assign(record.timestamp);
    for (const start of starts) {
      if (start + this.size + this.grace <= watermark) continue;
      args ??= common.args(record.value);
      windows ??= this.owned(scope);
      this.addTo(windows, record, encodedKey, start, args);
    }
    // No window at all (a hopping advance larger than the size leaves gaps): not late, just unwindowed.
    if (args === null && starts.length > 0) {
      const msg = `${common.op.name}: event time ${record.timestamp} is behind watermark ${watermark} by more than its windows' grace (${this.grace} ms)`;
      common.ctx.deadLetter(record, "late-record", msg);
    }
  }

  /** The window ending at time - grace is due: emit it (emit final) and delete it. */
  onTimer(time: number, encodedKey: string): void {
    const start = time - this.grace - this.size;
    const scope = keyScope(encodedKey);
    const windows = this.open(scope);
    const i = indexOfStart(windows, start);
    const w = windows[i];
    if (w === undefined || w[0] !== start) return;
    if (this.common.op.emit === "final")
      this.common.emit(w[1], decodeKey(encodedKey), start, start + this.size, start + this.size);
    if (windows.length === 1) this.store.delete(scope);
    else if (this.store.owns(scope)) (windows as OpenWindow[]).splice(i, 1);
    else this.store.put(scope, [...windows.slice(0, i), ...windows.slice(i + 1)] as unknown as Value);
  }

  private open(scope: string): readonly OpenWindow[] {
    return (this.store.get(scope) as unknown as readonly OpenWindow[] | undefined) ?? [];
  }

  // The key's windows to update in place: the stored entry when the store owns it, else a copy put
  // in its place (the committed entry stays as it is for a rollback).
  private owned(scope: string): OwnedWindows {
    const stored = this.store.get(scope) as unknown as OwnedWindows | undefined;
    if (stored !== undefined && this.store.owns(scope)) return stored;
    const copy: OwnedWindows = stored === undefined ? [] : stored.map(([s, w]) => [s, ownedCopy(w)]);
    this.store.put(scope, copy as unknown as Value);
    return copy;
  }

  // Adds the record to the window at `start` of `windows` (owned: updated in place).
  private addTo(
    windows: OwnedWindows,
    record: StreamRecord,
    encodedKey: string,
    start: number,
    args: readonly Value[],
  ): void {
    const { common } = this;
    const end = start + this.size;
    const i = indexOfStart(windows, start);
    let state = windows[i]?.[0] === start ? windows[i]?.[1] : undefined;
    if (state === undefined) {
      state = emptyState(common, record);
      windows.splice(i, 0, [start, state]);
      // A window's timer is registered with it and fires once, deleting it (both roll back together).
      common.ctx.timers.register(end + this.grace, encodedKey);
    }
    addInPlace(common, state, args, record.timestamp, originTuple(record.origin));
    if (common.op.emit === "changes") common.emit(state, record.key, start, end, end);
  }
}

/** The index of the first window starting at or after `start`. */
function indexOfStart(windows: readonly (readonly [number, unknown])[], start: number): number {
  return lowerBound(windows, start, (w) => w[0]);
}

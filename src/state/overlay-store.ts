// State stage: one store as a committed base plus a write overlay, both sorted maps. Reads see the
// overlay first (a delete is a tombstone there); range/prefix merge both; rollback drops the overlay.
import type { Value } from "../core/value.ts";
import { createSortedMap, type SortedMap } from "./sorted-map.ts";
import type { KeyValueStore, StoreChange } from "./store.ts";

const TOMBSTONE: unique symbol = Symbol("vigil.state.tombstone");
type Slot = Value | typeof TOMBSTONE;

/** Shared by the stores of one task: writes are refused while a commit is being written. */
export interface WriteGuard {
  committing: boolean;
}

/**
 * A store of one task: `base` is the last committed state, `overlay` the writes since then. Each
 * is a hash map (point reads and writes without a tree walk) plus, once the store is first scanned,
 * a sorted set of its keys, touched only when a key comes or goes, for ranges. A store that is only
 * read and written by key (tables, fixed windows) never builds or maintains one. Iteration is a live cursor: each step looks up the next key after the last one yielded, so
 * writes and deletes during a scan are safe (a key put ahead of the cursor is seen).
 * Values are held by reference (they are readonly); `null` is not storable, since a null value
 * means "delete" in a StoreChange. Restores apply to the base and are refused while the overlay
 * holds writes (StoreRegistry.applyRestored).
 */
export class OverlayStore implements KeyValueStore {
  readonly name: string;
  private readonly guard: WriteGuard;
  private readonly base = new Map<string, Value>();
  /** Sorted key sets, built on the first scan (null until then) and maintained from then on. */
  private baseKeys: SortedMap<undefined> | null = null;
  private readonly overlay = new Map<string, Slot>();
  private overlayKeys: SortedMap<undefined> | null = null;
  /** Restored changes already in base but not yet written to durable storage (null = delete). */
  private readonly unflushed: SortedMap<Value | null> = createSortedMap<Value | null>();
  private live = 0;

  constructor(name: string, guard: WriteGuard) {
    this.name = name;
    this.guard = guard;
  }

  get(key: string): Value | undefined {
    if (this.overlay.size !== 0) {
      const slot = this.overlay.get(key);
      if (slot !== undefined) return slot === TOMBSTONE ? undefined : slot;
    }
    return this.base.get(key);
  }

  put(key: string, value: Value): void {
    this.checkWritable();
    if (value === null || value === undefined) {
      throw new TypeError(`store ${this.name}: cannot put ${String(value)} at ${JSON.stringify(key)}`);
    }
    const slot = this.overlay.get(key);
    if (slot === undefined) {
      if (!this.base.has(key)) this.live++;
      this.overlayKeys?.set(key, undefined);
    } else if (slot === TOMBSTONE) this.live++;
    this.overlay.set(key, value);
  }

  delete(key: string): void {
    this.checkWritable();
    const slot = this.overlay.get(key);
    if (slot === TOMBSTONE) return;
    if (slot === undefined) {
      if (!this.base.has(key)) return;
      this.overlayKeys?.set(key, undefined);
      this.overlay.set(key, TOMBSTONE);
    } else if (this.base.has(key)) {
      this.overlay.set(key, TOMBSTONE);
    } else {
      this.overlay.delete(key);
      this.overlayKeys?.delete(key);
    }
    this.live--;
  }

  range(from: string, to: string): IterableIterator<[string, Value]> {
    if (!(from < to)) return [][Symbol.iterator]() as IterableIterator<[string, Value]>;
    return this.scan(from, (key) => key < to);
  }

  prefix(prefix: string): IterableIterator<[string, Value]> {
    return this.scan(prefix, (key) => key.startsWith(prefix));
  }

  size(): number {
    return this.live;
  }

  *entries(): IterableIterator<[string, Value]> {
    for (const [key, slot] of this.overlay) if (slot !== TOMBSTONE) yield [key, slot];
    for (const [key, value] of this.base) if (!this.overlay.has(key)) yield [key, value];
  }

  /** Appends this store's pending changes, in key order. */
  collectChanges(out: StoreChange[]): void {
    for (const key of this.overlayInOrder()) {
      const slot = this.overlay.get(key) as Slot;
      out.push({ store: this.name, key, value: slot === TOMBSTONE ? null : slot });
    }
  }

  /** Calls `write` for every change durable storage lacks (restored first, then the overlay; null = delete). */
  forEachDurableWrite(write: (key: string, value: Value | null) => void): void {
    this.unflushed.forEachPair((key, value) => {
      if (!this.overlay.has(key)) write(key, value);
    });
    for (const key of this.overlayInOrder()) {
      const slot = this.overlay.get(key) as Slot;
      write(key, slot === TOMBSTONE ? null : slot);
    }
  }

  /** Folds the overlay into the base (after a successful commit); everything is durable now. */
  fold(): void {
    for (const [key, slot] of this.overlay) {
      if (slot === TOMBSTONE) {
        this.base.delete(key);
        this.baseKeys?.delete(key);
      } else {
        if (!this.base.has(key)) this.baseKeys?.set(key, undefined);
        this.base.set(key, slot);
      }
    }
    this.overlay.clear();
    this.overlayKeys?.clear();
    this.unflushed.clear();
    this.live = this.base.size;
  }

  /** Drops the overlay: the store is back at its last committed state. */
  dropOverlay(): void {
    this.overlay.clear();
    this.overlayKeys?.clear();
    this.live = this.base.size;
  }

  /** Applies a restored change to the base (null = delete); `durable` says storage already has it. */
  applyToBase(key: string, value: Value | null, durable: boolean): void {
    const before = this.get(key) !== undefined;
    if (value === null) {
      if (this.base.delete(key)) this.baseKeys?.delete(key);
    } else {
      if (!this.base.has(key)) this.baseKeys?.set(key, undefined);
      this.base.set(key, value);
    }
    if (!durable) this.unflushed.set(key, value);
    const after = this.get(key) !== undefined;
    this.live += (after ? 1 : 0) - (before ? 1 : 0);
  }

  /** Number of keys in the overlay (puts and tombstones). */
  overlaySize(): number {
    return this.overlay.size;
  }

  private checkWritable(): void {
    if (this.guard.committing) {
      throw new Error(`store ${this.name}: write during commit (await commit() before writing)`);
    }
  }

  // The overlay's keys in key order: its sorted set when the store keeps one, else sorted now.
  private overlayInOrder(): Iterable<string> {
    if (this.overlayKeys !== null) return this.overlayKeys.keys();
    return [...this.overlay.keys()].sort();
  }

  // Builds the sorted key sets the first time the store is scanned.
  private sortedKeys(): [SortedMap<undefined>, SortedMap<undefined>] {
    if (this.baseKeys === null || this.overlayKeys === null) {
      const base = createSortedMap<undefined>();
      for (const key of [...this.base.keys()].sort()) base.set(key, undefined);
      const overlay = createSortedMap<undefined>();
      for (const key of [...this.overlay.keys()].sort()) overlay.set(key, undefined);
      this.baseKeys = base;
      this.overlayKeys = overlay;
    }
    return [this.baseKeys, this.overlayKeys];
  }

  private *scan(from: string, inRange: (key: string) => boolean): Generator<[string, Value]> {
    const [base, overlay] = this.sortedKeys();
    const bPair: [string, undefined] = ["", undefined];
    const oPair: [string, undefined] = ["", undefined];
    let b = base.getPairOrNextHigher(from, bPair);
    let o = this.overlay.size === 0 ? undefined : overlay.getPairOrNextHigher(from, oPair);
    for (;;) {
      let key: string;
      if (o !== undefined && (b === undefined || o[0] <= b[0])) key = o[0];
      else if (b !== undefined) key = b[0];
      else return;
      if (!inRange(key)) return;
      const value = this.get(key);
      if (value !== undefined) yield [key, value];
      b = base.nextHigherPair(key, bPair);
      o = this.overlay.size === 0 ? undefined : overlay.nextHigherPair(key, oPair);
    }
  }
}

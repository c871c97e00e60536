// State stage: one store as its live entries plus an undo log. Reads and writes go to the live map
// (one hash lookup per read); the first write of a key since the last commit records the key's
// committed value in the undo log, so the log's keys are the pending changes, a commit only clears
// it, and a rollback puts the recorded values back.
import type { Value } from "../core/value.ts";
import { createSortedMap, type SortedMap } from "./sorted-map.ts";
import type { KeyValueStore, StoreChange } from "./store.ts";

/** In the undo log: the key had no committed value. */
const ABSENT: unique symbol = Symbol("vigil.state.absent");
type Committed = Value | typeof ABSENT;

/** Shared by the stores of one task: writes are refused while a commit is being written. */
export interface WriteGuard {
  committing: boolean;
}

/**
 * A store of one task: `live` holds every entry as of now; `undo` holds, for each key written since
 * the last commit, its committed value. (The overlay over a committed base that this replaces read
 * two maps per get and copied every written entry into the base at each commit.) A sorted set of the
 * live keys is built on the first scan and maintained from then on, for ranges; a store that is only
 * read and written by key (tables, fixed windows) never builds one. Iteration is a live cursor: each
 * step looks up the next key after the last one yielded, so writes and deletes during a scan are safe
 * (a key put ahead of the cursor is seen). Values are held by reference (they are readonly); `null`
 * is not storable, since a null value means "delete" in a StoreChange. Restores apply to the live
 * entries as committed ones and are refused while there are pending changes (StoreRegistry.applyRestored).
 */
export class OverlayStore implements KeyValueStore {
  readonly name: string;
  private readonly guard: WriteGuard;
  private readonly live = new Map<string, Value>();
  /** The live keys in order, built on the first scan (null until then) and maintained from then on. */
  private liveKeys: SortedMap<undefined> | null = null;
  /** Keys written since the last commit -> their committed value. */
  private readonly undo = new Map<string, Committed>();
  /** Restored changes already live but not yet written to durable storage (null = delete). */
  private readonly unflushed: SortedMap<Value | null> = createSortedMap<Value | null>();

  constructor(name: string, guard: WriteGuard) {
    this.name = name;
    this.guard = guard;
  }

  get(key: string): Value | undefined {
    return this.live.get(key);
  }

  put(key: string, value: Value): void {
    this.checkWritable();
    if (value === null || value === undefined) {
      throw new TypeError(`store ${this.name}: cannot put ${String(value)} at ${JSON.stringify(key)}`);
    }
    const before = this.live.get(key);
    if (!this.undo.has(key)) this.undo.set(key, before === undefined ? ABSENT : before);
    if (before === undefined) this.liveKeys?.set(key, undefined);
    this.live.set(key, value);
  }

  owns(key: string): boolean {
    if (this.guard.committing) return false;
    const committed = this.undo.get(key);
    if (committed === undefined) return false;
    const value = this.live.get(key);
    return value !== undefined && value !== committed;
  }

  delete(key: string): void {
    this.checkWritable();
    const before = this.live.get(key);
    if (before === undefined) return;
    if (!this.undo.has(key)) this.undo.set(key, before);
    this.live.delete(key);
    this.liveKeys?.delete(key);
  }

  range(from: string, to: string): IterableIterator<[string, Value]> {
    if (!(from < to)) return [][Symbol.iterator]() as IterableIterator<[string, Value]>;
    return this.scan(from, (key) => key < to);
  }

  prefix(prefix: string): IterableIterator<[string, Value]> {
    return this.scan(prefix, (key) => key.startsWith(prefix));
  }

  size(): number {
    return this.live.size;
  }

  entries(): IterableIterator<[string, Value]> {
    return this.live.entries();
  }

  /** Appends this store's pending changes, in key order. */
  collectChanges(out: StoreChange[]): void {
    for (const key of this.changedInOrder()) {
      out.push({ store: this.name, key, value: this.live.get(key) ?? null });
    }
  }

  /** Calls `write` for every change durable storage lacks (restored first, then the pending; null = delete). */
  forEachDurableWrite(write: (key: string, value: Value | null) => void): void {
    this.unflushed.forEachPair((key, value) => {
      if (!this.changed(key)) write(key, value);
    });
    for (const key of this.changedInOrder()) write(key, this.live.get(key) ?? null);
  }

  /** After a successful commit: the live entries are the committed ones, and everything is durable. */
  fold(): void {
    this.undo.clear();
    this.unflushed.clear();
  }

  /** Puts the committed values back: the store is at its last committed state. */
  dropOverlay(): void {
    for (const [key, committed] of this.undo) {
      if (committed === ABSENT) {
        if (this.live.delete(key)) this.liveKeys?.delete(key);
      } else {
        if (!this.live.has(key)) this.liveKeys?.set(key, undefined);
        this.live.set(key, committed);
      }
    }
    this.undo.clear();
  }

  /** Applies a restored change as committed (null = delete); `durable` says storage already has it. */
  applyToBase(key: string, value: Value | null, durable: boolean): void {
    // A restore comes only with no pending change, but the key may still be in the undo log (put,
    // then deleted again): its entry there ("absent") would make the restored value a change.
    this.undo.delete(key);
    if (value === null) {
      if (this.live.delete(key)) this.liveKeys?.delete(key);
    } else {
      if (!this.live.has(key)) this.liveKeys?.set(key, undefined);
      this.live.set(key, value);
    }
    if (!durable) this.unflushed.set(key, value);
  }

  /** Number of pending changes. */
  overlaySize(): number {
    let n = 0;
    for (const key of this.undo.keys()) if (this.changed(key)) n++;
    return n;
  }

  private checkWritable(): void {
    if (this.guard.committing) {
      throw new Error(`store ${this.name}: write during commit (await commit() before writing)`);
    }
  }

  // A key written since the commit is a change unless it was absent then and is absent now (put,
  // then deleted again): the overlay this replaces dropped such a key, so the changelog never saw it.
  private changed(key: string): boolean {
    const committed = this.undo.get(key);
    return committed !== undefined && (committed !== ABSENT || this.live.has(key));
  }

  // The changed keys in key order.
  private changedInOrder(): string[] {
    const keys: string[] = [];
    for (const key of this.undo.keys()) if (this.changed(key)) keys.push(key);
    return keys.sort();
  }

  // Builds the sorted key set the first time the store is scanned.
  private sortedKeys(): SortedMap<undefined> {
    if (this.liveKeys === null) {
      const keys = createSortedMap<undefined>();
      for (const key of [...this.live.keys()].sort()) keys.set(key, undefined);
      this.liveKeys = keys;
    }
    return this.liveKeys;
  }

  private *scan(from: string, inRange: (key: string) => boolean): Generator<[string, Value]> {
    const keys = this.sortedKeys();
    const pair: [string, undefined] = ["", undefined];
    for (let k = keys.getPairOrNextHigher(from, pair); k !== undefined; k = keys.nextHigherPair(k[0], pair)) {
      const key = k[0];
      if (!inRange(key)) return;
      const value = this.live.get(key);
      if (value !== undefined) yield [key, value];
    }
  }
}

// State stage: one store of a task as a bounded cache over RocksDB. Three tiers: the write overlay
// (dirty, kept until the commit makes it durable), the clean cache (evicted least recently used,
// only between batches) and the database. Reads are synchronous and never go to disk: whatever a
// batch may read was prefetched before it (the task asks its operators), and a read of an entry
// that is neither cached nor known absent throws StateMissError instead of answering a guess.
import type { Value } from "../core/value.ts";
import { CompleteScopes } from "./complete-scopes.ts";
import type { WriteGuard } from "./overlay-store.ts";
import { createSortedMap, type SortedMap } from "./sorted-map.ts";
import { StateMissError } from "./state-errors.ts";
import type { KeyValueStore, StoreChange } from "./store.ts";

const TOMBSTONE: unique symbol = Symbol("vigil.state.tombstone");
const ABSENT: unique symbol = Symbol("vigil.state.absent");
type Slot = Value | typeof TOMBSTONE;

/** A clean cached entry: the committed value (or "known absent") and its estimated bytes. */
interface Cached {
  readonly value: Value | typeof ABSENT;
  readonly bytes: number;
}

/** Bytes held by the clean caches of the stores that share it, against a limit. */
export interface CacheAccount {
  used: number;
  readonly limit: number;
}

/** What the cache did, for tests and metrics. */
export interface CacheCounters {
  /** Prefetch requests already in memory. */
  hits: number;
  /** Prefetch requests read from RocksDB. */
  misses: number;
  /** Reads on the synchronous path of entries that were not prefetched (a bug; each one throws). */
  faults: number;
  /** Clean entries dropped to stay within the budget. */
  evictions: number;
}

// Map and key overheads per cached entry, roughly what V8 spends besides the value's own bytes.
const ENTRY_OVERHEAD = 96;

/** Estimated memory of an entry whose value encodes as `encodedLength` bytes of JSON. */
export function entryBytes(key: string, encodedLength: number): number {
  return ENTRY_OVERHEAD + 2 * key.length + 2 * encodedLength;
}

/**
 * A store over a bounded cache. `pinned` stores (the task's timers and watermarks) are loaded whole
 * when the database opens and never evicted. Scans (`range`, `prefix`) need their key scope to be
 * complete in memory: a prefetched scope, as operators keep one record key's entries under one
 * length-prefixed scope (so scopes are prefix-free and the covering scope of a key is the greatest
 * complete scope not above it).
 */
export class CachedStore implements KeyValueStore {
  readonly name: string;
  readonly pinned: boolean;
  readonly readsByName = true;
  private readonly guard: WriteGuard;
  private readonly account: CacheAccount;
  private readonly counters: CacheCounters;
  private readonly overlay = new Map<string, Slot>();
  /** Clean entries in least recently used order (a Map keeps insertion order). */
  private readonly cache = new Map<string, Cached>();
  /** Scopes whose every entry is in the cache or the overlay. */
  private readonly complete = new CompleteScopes();
  /** Keys of live cached entries and of the overlay, built on the first scan. */
  private keys: SortedMap<undefined> | null = null;
  /** Restored changes not yet on disk (null = delete); prefetches read them before the database. */
  readonly unflushed = new Map<string, Value | null>();
  /** Encoded sizes of the overlay's values, noted while a commit encodes them. */
  private readonly encoded = new Map<string, number>();
  private bytes = 0;
  /** Dirty keys the database holds whose clean copy was evicted before the commit. */
  private readonly dirtyOnDisk = new Set<string>();
  /** Reads that faulted (exact keys and scanned scopes): the next prefetch loads them. */
  readonly wanted: { readonly keys: string[]; readonly scopes: string[] } = { keys: [], scopes: [] };

  constructor(
    name: string,
    guard: WriteGuard,
    account: CacheAccount,
    counters: CacheCounters,
    pinned: boolean,
  ) {
    this.name = name;
    this.guard = guard;
    this.account = account;
    this.counters = counters;
    this.pinned = pinned;
  }

  get(key: string): Value | undefined {
    if (this.overlay.size !== 0) {
      const slot = this.overlay.get(key);
      if (slot !== undefined) return slot === TOMBSTONE ? undefined : slot;
    }
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached.value === ABSENT ? undefined : cached.value;
    if (this.pinned || this.inCompleteScope(key)) return undefined;
    throw this.fault(key);
  }

  put(key: string, value: Value): void {
    this.checkWritable();
    if (value === null || value === undefined) {
      throw new TypeError(`store ${this.name}: cannot put ${String(value)} at ${JSON.stringify(key)}`);
    }
    if (!this.overlay.has(key)) this.keys?.set(key, undefined);
    this.overlay.set(key, value);
  }

  owns(key: string): boolean {
    if (this.guard.committing) return false;
    const slot = this.overlay.get(key);
    return slot !== undefined && slot !== TOMBSTONE && slot !== this.cache.get(key)?.value;
  }

  delete(key: string): void {
    this.checkWritable();
    const slot = this.overlay.get(key);
    if (slot === TOMBSTONE) return;
    const cached = this.cache.get(key);
    let committed: boolean | undefined;
    if (cached !== undefined) committed = cached.value !== ABSENT;
    else if (this.dirtyOnDisk.has(key)) committed = true;
    else if (this.pinned || this.inCompleteScope(key)) committed = false;
    else if (slot === undefined) throw this.fault(key);
    else committed = true; // written blind this batch: delete it on disk too, whatever it held
    if (committed) this.overlay.set(key, TOMBSTONE);
    else if (slot !== undefined) {
      this.overlay.delete(key);
      this.keys?.delete(key);
    }
  }

  range(from: string, to: string): IterableIterator<[string, Value]> {
    if (!(from < to)) return [][Symbol.iterator]() as IterableIterator<[string, Value]>;
    this.requireScope(from);
    return this.scan(from, (key) => key < to);
  }

  prefix(prefix: string): IterableIterator<[string, Value]> {
    this.requireScope(prefix);
    return this.scan(prefix, (key) => key.startsWith(prefix));
  }

  /** Every live entry; only a pinned store holds them all in memory. */
  *entries(): IterableIterator<[string, Value]> {
    if (!this.pinned) throw new Error(`store ${this.name}: entries() needs the whole store in memory`);
    for (const [key, slot] of this.overlay) if (slot !== TOMBSTONE) yield [key, slot];
    for (const [key, c] of this.cache) if (c.value !== ABSENT && !this.overlay.has(key)) yield [key, c.value];
  }

  /** Live entries held in memory (the rest is on disk and not counted). */
  size(): number {
    let n = 0;
    for (const slot of this.overlay.values()) if (slot !== TOMBSTONE) n++;
    for (const [key, c] of this.cache) if (c.value !== ABSENT && !this.overlay.has(key)) n++;
    return n;
  }

  // --- prefetch (called by the stores object between batches) ---

  /** True when a read of `key` is answered from memory. */
  holds(key: string): boolean {
    return this.pinned || this.overlay.has(key) || this.cache.has(key) || this.inCompleteScope(key);
  }

  /** True when `key` is known absent: deleted since the commit, or read from disk as absent. */
  knownAbsent(key: string): boolean {
    const slot = this.overlay.get(key);
    if (slot !== undefined) return slot === TOMBSTONE;
    return this.cache.get(key)?.value === ABSENT;
  }

  /** True when every entry under `scope` is in memory. */
  holdsScope(scope: string): boolean {
    return this.pinned || this.inCompleteScope(scope);
  }

  /** Marks a cached key as just used (it moves to the end of the eviction order). */
  touch(key: string): void {
    const cached = this.cache.get(key);
    if (cached === undefined) return;
    this.cache.delete(key);
    this.cache.set(key, cached);
  }

  /** Caches a value read from disk (null: absent), unless the overlay or the cache has it already. */
  load(key: string, value: Value | null, encodedLength: number): void {
    if (this.cache.has(key)) return;
    this.setCached(key, value === null ? ABSENT : value, entryBytes(key, encodedLength));
  }

  /** Records that every entry under `scope` is now in memory (after loading them). */
  completeScope(scope: string): void {
    if (this.pinned || this.inCompleteScope(scope)) return;
    // Kept prefix-free (a fault may have completed a narrower scope inside this one).
    for (const narrower of this.complete.add(scope)) this.release(entryBytes(narrower, 0));
    this.charge(entryBytes(scope, 0));
  }

  /** Drops the least recently used clean entries, about `target` bytes of them; returns the bytes freed. */
  evict(target: number): number {
    if (this.pinned) return 0;
    const start = this.bytes;
    for (const [key, cached] of this.cache) {
      if (start - this.bytes >= target) break;
      // delete() reads the clean copy to know whether the database holds a dirty key; a scope
      // marked complete later, with no scan (a guarded scope), could not tell.
      if (cached.value !== ABSENT && this.overlay.has(key)) this.dirtyOnDisk.add(key);
      this.cache.delete(key);
      this.release(cached.bytes);
      if (this.keys !== null && !this.overlay.has(key)) this.keys.delete(key);
      this.counters.evictions++;
      this.dropScopeOf(key);
    }
    if (start - this.bytes < target && this.cache.size === 0) {
      for (const scope of this.complete.all()) this.release(entryBytes(scope, 0));
      this.complete.clear();
    }
    return start - this.bytes;
  }

  /** Bytes this store's clean cache holds. */
  cachedBytes(): number {
    return this.bytes;
  }

  // --- commit, rollback, restore (called by the stores object) ---

  collectChanges(out: StoreChange[]): void {
    for (const key of [...this.overlay.keys()].sort()) {
      const slot = this.overlay.get(key) as Slot;
      out.push({ store: this.name, key, value: slot === TOMBSTONE ? null : slot });
    }
  }

  /**
   * Calls `write` for every change the database lacks (restored first, then the overlay; a key in
   * both is written once, from the overlay). Unsorted: a write batch applies as a whole whatever
   * its order, and sorting the dirty keys was a visible part of each commit.
   */
  forEachDurableWrite(write: (key: string, value: Value | null) => number): void {
    for (const [key, value] of this.unflushed) if (!this.overlay.has(key)) write(key, value);
    for (const [key, slot] of this.overlay) {
      const length = write(key, slot === TOMBSTONE ? null : slot);
      if (slot !== TOMBSTONE) this.encoded.set(key, length);
    }
  }

  /** After a durable commit: the overlay becomes clean cache (deletes become "known absent"). */
  fold(): void {
    const written = [...this.overlay];
    this.overlay.clear();
    for (const [key, slot] of written) {
      if (slot === TOMBSTONE) this.setCached(key, ABSENT, entryBytes(key, 0));
      else this.setCached(key, slot, entryBytes(key, this.encoded.get(key) ?? 0));
    }
    this.encoded.clear();
    this.unflushed.clear();
    this.dirtyOnDisk.clear();
  }

  dropOverlay(): void {
    this.overlay.clear();
    this.dirtyOnDisk.clear();
    this.encoded.clear();
    this.keys = null; // rebuilt from the cache on the next scan
  }

  /** A restored change: kept for the next commit and applied to what memory holds of the key. */
  applyRestored(key: string, value: Value | null): void {
    this.unflushed.set(key, value);
    if (this.cache.has(key) || this.pinned || this.inCompleteScope(key)) {
      this.setCached(key, value === null ? ABSENT : value, entryBytes(key, 0));
    }
  }

  overlaySize(): number {
    return this.overlay.size;
  }

  // --- internals ---

  // Keeps the sorted key index (when built) true to: overlay has the key, or the cache holds a value.
  private setCached(key: string, value: Value | typeof ABSENT, bytes: number): void {
    const before = this.cache.get(key);
    if (before !== undefined) {
      this.cache.delete(key);
      this.release(before.bytes);
    }
    if (value === ABSENT && this.pinned) {
      this.keys?.delete(key); // a pinned store holds every entry: a missing key is absent already
      return;
    }
    this.cache.set(key, { value, bytes });
    this.charge(bytes);
    if (this.keys !== null) {
      if (value !== ABSENT || this.overlay.has(key)) this.keys.set(key, undefined);
      else this.keys.delete(key);
    }
  }

  private charge(bytes: number): void {
    if (this.pinned) return;
    this.bytes += bytes;
    this.account.used += bytes;
  }

  private release(bytes: number): void {
    if (this.pinned) return;
    this.bytes -= bytes;
    this.account.used -= bytes;
  }

  private fault(key: string, scanned = false): StateMissError {
    this.counters.faults++;
    (scanned ? this.wanted.scopes : this.wanted.keys).push(key);
    return new StateMissError(this.name, key);
  }

  private requireScope(from: string): void {
    if (!this.pinned && !this.inCompleteScope(from)) throw this.fault(from, true);
  }

  private inCompleteScope(key: string): boolean {
    return this.complete.size !== 0 && this.complete.covers(key);
  }

  private dropScopeOf(key: string): void {
    if (this.complete.size === 0) return;
    const scope = this.complete.covering(key);
    if (scope !== undefined) {
      this.complete.delete(scope);
      this.release(entryBytes(scope, 0));
    }
  }

  private checkWritable(): void {
    if (this.guard.committing) {
      throw new Error(`store ${this.name}: write during commit (await commit() before writing)`);
    }
  }

  private sortedKeys(): SortedMap<undefined> {
    if (this.keys === null) {
      const keys = createSortedMap<undefined>();
      const all: string[] = [];
      for (const [key, c] of this.cache) if (c.value !== ABSENT) all.push(key);
      for (const key of this.overlay.keys()) if (!this.cache.has(key)) all.push(key);
      for (const key of all.sort()) keys.set(key, undefined);
      this.keys = keys;
    }
    return this.keys;
  }

  private *scan(from: string, inRange: (key: string) => boolean): Generator<[string, Value]> {
    const keys = this.sortedKeys();
    const pair: [string, undefined] = ["", undefined];
    for (let p = keys.getPairOrNextHigher(from, pair); p !== undefined; p = keys.nextHigherPair(p[0], pair)) {
      const key = p[0];
      if (!inRange(key)) return;
      const value = this.get(key);
      if (value !== undefined) yield [key, value];
    }
  }
}

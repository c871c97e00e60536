// State stage: TaskStateStores whose state lives in RocksDB, with memory as a bounded cache.
// open() reads the checkpoint and the pinned stores (timers, watermarks) and nothing else. Before a
// batch, prefetch() reads what the batch may touch in one multi-get plus one iterator per scanned
// key scope; the batch then runs synchronously against memory. commit() writes the overlay and the
// checkpoint in one atomic write batch, folds the overlay into the clean cache and evicts the least
// recently used clean entries beyond the budget. Same layout as rocksdb-stores.ts (format marker
// vigil-state/1), so a folder written by either opens with the other.
import type RocksDB from "rocksdb-native";
import type { Value } from "../core/value.ts";
import { type CacheAccount, type CacheCounters, CachedStore } from "./cached-store.ts";
import type { WriteGuard } from "./overlay-store.ts";
import {
  CHECKPOINT_KEY,
  decodeCheckpoint,
  decodeValue,
  encodeValue,
  entryKey,
  FORMAT_KEY,
  FORMAT_VERSION,
  parseEntryKey,
} from "./rocksdb-codec.ts";
import { openStateDb, writeOps } from "./rocksdb-stores.ts";
import { CorruptStateError } from "./state-errors.ts";
import type { StateNeeds } from "./state-needs.ts";
import type { Checkpoint, KeyValueStore, StoreChange, TaskStateStores } from "./store.ts";
import { copyCheckpoint } from "./store-registry.ts";

export interface CachedStoreOptions {
  /** Budget of the clean cache, bytes (estimated from the entries' JSON size). */
  readonly cacheBytes: number;
  /** Stores loaded whole at open and never evicted (the task's timer and watermark stores). */
  readonly pinned?: readonly string[];
}

/** Task stores over a bounded cache: what the task needs beyond the contract. */
export interface PrefetchingStores extends TaskStateStores {
  /** Reads into memory every entry in `needs` that memory lacks. */
  prefetch(needs: StateNeeds): Promise<void>;
  /** True when every entry in `needs` is in memory. */
  holds(needs: StateNeeds): boolean;
  /** Evicts clean entries when the cache is over its budget (between batches only). */
  trim(): void;
  /**
   * Writes the restored changes applied so far to RocksDB, without a checkpoint, and drops them
   * from memory: a restore streams into the database. (Replaying them again after a crash is
   * harmless: the changelog's last write per key wins either way.)
   */
  flushRestored(): Promise<void>;
  /** Restored changes held in memory, not yet written. */
  restoredPending(): number;
  cacheStats(): CacheCounters & { readonly bytes: number; readonly limit: number };
}

/** True for stores that must be prefetched before a batch. */
export function isPrefetching(stores: TaskStateStores): stores is PrefetchingStores {
  return typeof (stores as Partial<PrefetchingStores>).prefetch === "function";
}

export function createCachedRocksDbStores(dir: string, opts: CachedStoreOptions): PrefetchingStores {
  return new CachedRocksDbStores(dir, opts);
}

// RocksDB's memtable per task (its default is 64 MB, and two of them may be held): the cache is
// the memory budget, so the write buffer is kept small beside it.
const WRITE_BUFFER_BYTES = 8 * 1024 * 1024;

// Byte 0xFF never occurs in UTF-8: appended to a key prefix it bounds every key that starts with it.
const AFTER_PREFIX = Buffer.from([0xff]);

class CachedRocksDbStores implements PrefetchingStores {
  readonly dir: string;
  private db: RocksDB | null = null;
  private readonly guard: WriteGuard = { committing: false };
  private readonly account: CacheAccount;
  private readonly counters: CacheCounters = { hits: 0, misses: 0, faults: 0, evictions: 0 };
  private readonly pinned: ReadonlySet<string>;
  private readonly stores = new Map<string, CachedStore>();
  private sorted: CachedStore[] | null = null;

  constructor(dir: string, opts: CachedStoreOptions) {
    this.dir = dir;
    this.account = { used: 0, limit: opts.cacheBytes };
    this.pinned = new Set(opts.pinned ?? []);
  }

  async open(): Promise<Checkpoint | null> {
    if (this.db !== null) throw new Error(`state in ${this.dir} is already open`);
    const [db, checkpoint] = await openStateDb(
      this.dir,
      { writeBufferSize: WRITE_BUFFER_BYTES },
      async (d) => {
        const cp = await this.readMeta(d);
        for (const name of this.pinned) await this.loadPinned(d, this.storeOf(name));
        return cp;
      },
    );
    this.db = db;
    return checkpoint;
  }

  store(name: string): KeyValueStore {
    this.requireOpen();
    return this.storeOf(name);
  }

  holds(needs: StateNeeds): boolean {
    let n = 0;
    for (const [name, keys] of needs.keys) {
      const store = this.storeOf(name);
      for (const key of keys) if (!store.holds(key)) return false;
      n += keys.size;
    }
    for (const [name, scopes] of needs.scopes) {
      const store = this.storeOf(name);
      for (const scope of scopes) if (!store.holdsScope(scope)) return false;
      n += scopes.size;
    }
    for (const [name, guarded] of needs.guarded) {
      const store = this.storeOf(name);
      for (const [scope, guard] of guarded) if (!this.settleGuarded(store, scope, guard)) return false;
      n += guarded.size;
    }
    this.counters.hits += n; // all of it in memory: the step needs no prefetch
    return true;
  }

  // A guarded scope is in memory when complete, or (made complete here, with no read) when its
  // guard is known absent: its operator keeps no entry under it then.
  private settleGuarded(store: CachedStore, scope: string, guard: string): boolean {
    if (store.holdsScope(scope)) return true;
    if (!store.knownAbsent(guard)) return false;
    store.completeScope(scope);
    return true;
  }

  async prefetch(needs: StateNeeds): Promise<void> {
    const db = this.requireOpen();
    for (const store of this.all()) {
      for (const key of store.wanted.keys.splice(0)) needs.key(store.name, key);
      for (const scope of store.wanted.scopes.splice(0)) needs.scope(store.name, scope);
    }
    const reads: [CachedStore, string][] = [];
    for (const [name, keys] of needs.keys) {
      const store = this.storeOf(name);
      for (const key of keys) this.want(store, key, reads);
    }
    const scans: Promise<void>[] = [];
    for (const [name, scopes] of needs.scopes) {
      const store = this.storeOf(name);
      for (const scope of scopes) {
        if (store.holdsScope(scope)) this.counters.hits++;
        else scans.push(this.loadScope(db, store, scope));
      }
    }
    await this.readAll(db, reads);
    // After the guards were read: a scope whose guard exists is read by the entries its guard
    // names (one more multi-get for all of them), or scanned where the guard names none.
    const named: [CachedStore, string][] = [];
    const listed: [CachedStore, string][] = [];
    for (const [name, guarded] of needs.guarded) {
      const store = this.storeOf(name);
      const members = needs.members.get(name);
      for (const [scope, guard] of guarded) {
        if (store.holdsScope(scope)) this.counters.hits++;
        else if (!this.settleGuarded(store, scope, guard)) {
          const entries = members?.(scope, store.get(guard) as Value);
          if (entries === undefined) scans.push(this.loadScope(db, store, scope));
          else {
            for (const key of entries) this.want(store, key, named);
            listed.push([store, scope]);
          }
        }
      }
    }
    await this.readAll(db, named);
    for (const [store, scope] of listed) store.completeScope(scope);
    await Promise.all(scans);
  }

  /** Counts `key` as a hit when memory holds it; else takes it from the restored changes or queues a read. */
  private want(store: CachedStore, key: string, reads: [CachedStore, string][]): void {
    if (store.holds(key)) {
      this.counters.hits++;
      store.touch(key);
    } else if (store.unflushed.has(key)) {
      store.load(key, store.unflushed.get(key) ?? null, 0);
    } else reads.push([store, key]);
  }

  /** Reads `reads` in one multi-get and caches what it finds (absent entries as known absent). */
  private async readAll(db: RocksDB, reads: readonly [CachedStore, string][]): Promise<void> {
    if (reads.length === 0) return;
    const batch = db.read({ capacity: reads.length, autoDestroy: true });
    const pending = reads.map(([store, key]) => batch.get(entryKey(store.name, key)));
    batch.tryFlush();
    const values = await Promise.all(pending);
    for (let i = 0; i < reads.length; i++) {
      const [store, key] = reads[i] as [CachedStore, string];
      const raw = values[i] as Buffer | null;
      store.load(key, raw === null ? null : decodeValue(raw.toString("utf8")), raw?.length ?? 0);
    }
    this.counters.misses += reads.length;
  }

  pendingChanges(): readonly StoreChange[] {
    const out: StoreChange[] = [];
    for (const store of this.all()) store.collectChanges(out);
    return out;
  }

  async commit(checkpoint: Checkpoint): Promise<void> {
    const db = this.requireOpen();
    if (this.guard.committing) throw new Error("commit() while another commit is in flight");
    const ops: [string, string | null][] = [];
    for (const store of this.all()) {
      store.forEachDurableWrite((key, value) => {
        if (value === null) {
          ops.push([entryKey(store.name, key), null]);
          return 0;
        }
        const text = encodeValue(value, `store ${store.name}, key ${JSON.stringify(key)}`);
        ops.push([entryKey(store.name, key), text]);
        return text.length;
      });
    }
    ops.push([CHECKPOINT_KEY, JSON.stringify(copyCheckpoint(checkpoint))]);
    ops.push([FORMAT_KEY, FORMAT_VERSION]);
    this.guard.committing = true;
    try {
      await writeOps(db, ops);
    } finally {
      this.guard.committing = false;
    }
    for (const store of this.all()) store.fold();
    this.trim();
  }

  trim(): void {
    const { account } = this;
    if (account.used <= account.limit) return;
    // Down to 90% of the budget, from each store in proportion to what it holds.
    const target = account.used - account.limit * 0.9;
    const total = account.used;
    for (const store of this.all()) {
      const share = Math.ceil((target * store.cachedBytes()) / Math.max(1, total));
      if (share > 0) store.evict(share);
    }
  }

  rollback(): void {
    for (const store of this.all()) store.dropOverlay();
  }

  async flushRestored(): Promise<void> {
    const db = this.requireOpen();
    const ops: [string, string | null][] = [];
    for (const store of this.all()) {
      for (const [key, value] of store.unflushed) {
        const where = `store ${store.name}, key ${JSON.stringify(key)}`;
        ops.push([entryKey(store.name, key), value === null ? null : encodeValue(value, where)]);
      }
    }
    if (ops.length === 0) return;
    await writeOps(db, ops);
    for (const store of this.all()) store.unflushed.clear();
  }

  restoredPending(): number {
    let n = 0;
    for (const store of this.all()) n += store.unflushed.size;
    return n;
  }

  applyRestored(changes: readonly StoreChange[]): void {
    this.requireOpen();
    const dirty = this.all().find((s) => s.overlaySize() > 0);
    if (dirty !== undefined) {
      throw new Error(
        `store ${dirty.name}: restore over uncommitted writes (commit or roll back before restoring)`,
      );
    }
    for (const c of changes) this.storeOf(c.store).applyRestored(c.key, c.value);
  }

  async close(): Promise<void> {
    const db = this.db;
    if (db === null) return;
    this.db = null;
    this.rollback();
    await db.close();
  }

  cacheStats(): CacheCounters & { readonly bytes: number; readonly limit: number } {
    return { ...this.counters, bytes: this.account.used, limit: this.account.limit };
  }

  private storeOf(name: string): CachedStore {
    let store = this.stores.get(name);
    if (store === undefined) {
      if (typeof name !== "string" || name === "")
        throw new TypeError("a store name must be a non-empty string");
      store = new CachedStore(name, this.guard, this.account, this.counters, this.pinned.has(name));
      this.stores.set(name, store);
      this.sorted = null;
    }
    return store;
  }

  private all(): readonly CachedStore[] {
    if (this.sorted === null)
      this.sorted = [...this.stores.values()].sort((a, b) =>
        a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
      );
    return this.sorted;
  }

  private requireOpen(): RocksDB {
    if (this.db === null) throw new Error(`state in ${this.dir} is not open: call open() first`);
    return this.db;
  }

  /** The checkpoint, after checking the format marker; null for an empty database. */
  private async readMeta(db: RocksDB): Promise<Checkpoint | null> {
    const [format, checkpoint, first] = await Promise.all([
      db.get(FORMAT_KEY),
      db.get(CHECKPOINT_KEY),
      db.peek({}),
    ]);
    if (format === null && checkpoint === null && first === null) return null;
    const marker = format?.toString("utf8");
    if (marker !== FORMAT_VERSION) {
      throw new CorruptStateError(
        this.dir,
        `format marker ${JSON.stringify(marker)}, expected ${FORMAT_VERSION}`,
      );
    }
    if (checkpoint === null) throw new CorruptStateError(this.dir, "no checkpoint next to the state");
    return decodeCheckpoint(checkpoint.toString("utf8"));
  }

  private async loadPinned(db: RocksDB, store: CachedStore): Promise<void> {
    for await (const [key, value] of this.scan(db, store.name, "")) store.load(key, value, 0);
  }

  private async loadScope(db: RocksDB, store: CachedStore, scope: string): Promise<void> {
    for await (const [key, value, length] of this.scan(db, store.name, scope)) {
      if (!store.unflushed.has(key)) store.load(key, value, length);
    }
    for (const [key, value] of store.unflushed) if (key.startsWith(scope)) store.load(key, value, 0);
    store.completeScope(scope);
    this.counters.misses++;
  }

  /** Entries of `name` whose key starts with `scope`, decoded. */
  private async *scan(db: RocksDB, name: string, scope: string): AsyncGenerator<[string, Value, number]> {
    const json = JSON.stringify([name, scope]);
    const prefix = Buffer.from(json.slice(0, json.length - 2)); // without the closing `"]`
    const range = { gte: prefix, lt: Buffer.concat([prefix, AFTER_PREFIX]) };
    for await (const { key, value } of db.iterator(range, { capacity: 256 })) {
      const parsed = parseEntryKey(key.toString("utf8"));
      if (parsed === undefined || parsed.store !== name) continue;
      yield [parsed.key, decodeValue(value.toString("utf8")), value.length];
    }
  }
}

// State stage: TaskStateStores made durable in RocksDB (rocksdb-native): all state in memory, one
// atomic write batch per commit holding the state changes and the checkpoint together.
//
// Design and trade-off. open() loads every entry of the task's database into the in-memory base
// (sorted B+ trees), so reads and writes on the per-record path are synchronous map operations and
// RocksDB is only the durable local checkpoint: a restart reads the state back instead of replaying
// the changelog from the beginning. Memory therefore bounds the state a task can hold; the rules'
// time bounds (window + grace, join bounds, `within`) and deletion of expired entries keep it small
// for the rule sets we target. State larger than memory uses cached-rocksdb-stores.ts instead (the
// same layout, memory as a bounded cache); this one is its reference and the embedded replay's.
//
// Layout (rocksdb-codec.ts): one key space (the default column family, because rocksdb-native must
// know every column family when the database opens, while stores appear as operators ask for
// them). Entry keys are JSON `["<store>","<key>"]`, values JSON text; `meta:checkpoint` holds the
// checkpoint as JSON and `meta:format` a format marker. RocksDB writes are not fsynced (the WAL is
// in the OS cache): a commit survives a process crash, not a power cut; in Kafka mode the
// changelog covers the rest.
import { rm } from "node:fs/promises";
import RocksDB, { type RocksDBOptions } from "rocksdb-native";
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
import { CorruptStateError, StateLockedError } from "./state-errors.ts";
import type { Checkpoint, KeyValueStore, StoreChange, TaskStateStores } from "./store.ts";
import { copyCheckpoint, StoreRegistry } from "./store-registry.ts";

export { CorruptStateError, StateLockedError } from "./state-errors.ts";

/** TaskStateStores in a RocksDB directory, with a few numbers for tests and metrics. */
export interface RocksDbTaskStores extends TaskStateStores {
  readonly dir: string;
  /** Write batches flushed by this object (one per commit) and entries loaded by the last open(). */
  stats(): { readonly writeBatches: number; readonly loadedEntries: number };
}

/**
 * Task stores persisted in `dir` (created when missing). open() throws CorruptStateError when the
 * directory holds something unreadable (wipe it with wipeStateDir and restore from the changelog),
 * StateLockedError when another handle has it open. Store objects are valid from open() to close().
 * @example const s = createRocksDbTaskStores(dir); const cp = await s.open(); s.store("agg").put("k", 1); await s.commit(cp2)
 */
export function createRocksDbTaskStores(dir: string): RocksDbTaskStores {
  return new RocksDbStores(dir);
}

/** Deletes a task's state directory (after CorruptStateError, before a restore from the changelog). */
export async function wipeStateDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

class RocksDbStores implements RocksDbTaskStores {
  readonly dir: string;
  private db: RocksDB | null = null;
  private registry = new StoreRegistry();
  private writeBatches = 0;
  private loadedEntries = 0;

  constructor(dir: string) {
    this.dir = dir;
  }

  async open(): Promise<Checkpoint | null> {
    if (this.db !== null) throw new Error(`state in ${this.dir} is already open`);
    const [db, checkpoint] = await openStateDb(this.dir, {}, (d) => this.load(d));
    this.db = db;
    return checkpoint;
  }

  store(name: string): KeyValueStore {
    this.requireOpen();
    return this.registry.store(name);
  }

  pendingChanges(): readonly StoreChange[] {
    return this.registry.pendingChanges();
  }

  async commit(checkpoint: Checkpoint): Promise<void> {
    const db = this.requireOpen();
    if (this.registry.guard.committing) throw new Error("commit() while another commit is in flight");
    const ops = this.durableWrites(checkpoint);
    this.registry.guard.committing = true;
    try {
      await writeOps(db, ops);
      this.writeBatches++;
    } finally {
      this.registry.guard.committing = false;
    }
    this.registry.fold();
  }

  rollback(): void {
    this.registry.rollback();
  }

  applyRestored(changes: readonly StoreChange[]): void {
    this.requireOpen();
    this.registry.applyRestored(changes, false);
  }

  async close(): Promise<void> {
    const db = this.db;
    if (db === null) return;
    this.db = null;
    this.registry.rollback();
    await db.close();
  }

  stats(): { readonly writeBatches: number; readonly loadedEntries: number } {
    return { writeBatches: this.writeBatches, loadedEntries: this.loadedEntries };
  }

  private requireOpen(): RocksDB {
    if (this.db === null) throw new Error(`state in ${this.dir} is not open: call open() first`);
    return this.db;
  }

  /** Every key to write, encoded up front so an unencodable value fails before anything is written. */
  private durableWrites(checkpoint: Checkpoint): Array<[string, string | null]> {
    const ops: Array<[string, string | null]> = [];
    for (const store of this.registry.all()) {
      store.forEachDurableWrite((key, value) => {
        const where = `store ${store.name}, key ${JSON.stringify(key)}`;
        ops.push([entryKey(store.name, key), value === null ? null : encodeValue(value, where)]);
      });
    }
    ops.push([CHECKPOINT_KEY, JSON.stringify(copyCheckpoint(checkpoint))]);
    ops.push([FORMAT_KEY, FORMAT_VERSION]);
    return ops;
  }

  /** Loads every entry into a fresh registry; returns the checkpoint (null for an empty database). */
  private async load(db: RocksDB): Promise<Checkpoint | null> {
    const registry = new StoreRegistry();
    const meta = new Map<string, string>();
    let entries = 0;
    for await (const { key, value } of db.iterator({}, { capacity: 1024 })) {
      const keyText = key.toString("utf8");
      const parsed = parseEntryKey(keyText);
      if (parsed !== undefined) {
        registry.store(parsed.store).applyToBase(parsed.key, decodeValue(value.toString("utf8")), true);
        entries++;
      } else if (keyText === CHECKPOINT_KEY || keyText === FORMAT_KEY) {
        meta.set(keyText, value.toString("utf8"));
      } else {
        throw new CorruptStateError(this.dir, `unknown key ${JSON.stringify(keyText)}`);
      }
    }
    const checkpoint = this.checkMeta(meta, entries);
    this.registry = registry;
    this.loadedEntries = entries;
    return checkpoint;
  }

  private checkMeta(meta: ReadonlyMap<string, string>, entries: number): Checkpoint | null {
    if (meta.size === 0 && entries === 0) return null;
    const format = meta.get(FORMAT_KEY);
    if (format !== FORMAT_VERSION) {
      throw new CorruptStateError(
        this.dir,
        `format marker ${JSON.stringify(format)}, expected ${FORMAT_VERSION}`,
      );
    }
    const text = meta.get(CHECKPOINT_KEY);
    if (text === undefined) throw new CorruptStateError(this.dir, "no checkpoint next to the state");
    return decodeCheckpoint(text);
  }
}

/**
 * Opens the database in `dir` and reads it with `read`; a failure closes it again and is classified
 * (StateLockedError, CorruptStateError, or a path that is not a directory).
 */
export async function openStateDb<T>(
  dir: string,
  options: RocksDBOptions,
  read: (db: RocksDB) => Promise<T>,
): Promise<[RocksDB, T]> {
  const db = new RocksDB(dir, options);
  try {
    await db.ready();
  } catch (error) {
    await db.close().catch(() => undefined);
    throw classifyOpenError(dir, error);
  }
  try {
    return [db, await read(db)];
  } catch (error) {
    await db.close().catch(() => undefined);
    if (error instanceof CorruptStateError) throw error;
    throw new CorruptStateError(dir, errorMessage(error), { cause: error });
  }
}

/** Writes `ops` (value null = delete) to `db` in one atomic write batch. */
export async function writeOps(
  db: RocksDB,
  ops: readonly (readonly [string, string | null])[],
): Promise<void> {
  const batch = db.write({ autoDestroy: true, capacity: ops.length });
  for (const [key, value] of ops) {
    if (value === null) batch.tryDelete(key);
    else batch.tryPut(key, value);
  }
  await batch.flush();
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Open failures: a held lock or a path that is not a directory are not corruption; the rest is. */
function classifyOpenError(dir: string, error: unknown): Error {
  const message = errorMessage(error);
  if (/\block\b|LOCK/.test(message)) return new StateLockedError(dir, { cause: error });
  if (/not a directory/i.test(message))
    return new Error(`state path ${dir} is not a directory`, { cause: error });
  return new CorruptStateError(dir, message, { cause: error });
}

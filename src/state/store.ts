// State stage: the store contract operators program against. Reads and writes are synchronous so
// the per-record path has no awaits: a task's stores are held in memory (committed base + a write
// overlay) and made durable in RocksDB at checkpoints, one atomic batch per commit. An aborted
// transaction rolls the overlay back. See docs/architecture.md ("State").
import type { Value } from "../core/value.ts";

/** A sorted key-value store of one operator, scoped to one task. Keys compare as JS strings (UTF-16 order). */
export interface KeyValueStore<V extends Value = Value> {
  readonly name: string;
  get(key: string): V | undefined;
  put(key: string, value: V): void;
  delete(key: string): void;
  /**
   * Whether the value at `key` was put since the last commit or rollback (and is not the committed
   * value put back): its writer may then go on updating that object in place, without another put,
   * since a rollback puts the committed value back and the commit writes the value as it then is.
   * False for any other value: it is shared with the committed state and must be copied to change.
   */
  owns(key: string): boolean;
  /**
   * Entries with from <= key < to, in key order. Iteration is a live cursor: each step seeks past
   * the last key yielded, so writes and deletes made during a scan are seen (the timer table relies on it).
   */
  range(from: string, to: string): IterableIterator<[string, V]>;
  /** Entries whose key starts with `prefix`, in key order. */
  prefix(prefix: string): IterableIterator<[string, V]>;
  /** Every live entry in no particular order: for loading a whole store, without a sorted index. */
  entries(): IterableIterator<[string, V]>;
  /** Live entries (for the bounded-state tests and the store-size metric). */
  size(): number;
  /**
   * True for a store that prefetches what a step reads (a cache over disk): operators whose key
   * state can name the key's other entries do so for it, so it reads them by key, not by a scan.
   */
  readonly readsByName?: boolean;
}

/** One change to a store since the last checkpoint: what the changelog carries (value null = delete). */
export interface StoreChange {
  readonly store: string;
  readonly key: string;
  readonly value: Value | null;
}

/** What a task persists with its state, atomically: input positions and changelog positions. */
export interface Checkpoint {
  /** `topic/partition` -> next offset to read. */
  readonly inputOffsets: Readonly<Record<string, number>>;
  /** `store` -> changelog offset the local state includes (Kafka mode only). */
  readonly changelogOffsets: Readonly<Record<string, number>>;
  /** Task-level metadata (watermarks per input partition, etc.). */
  readonly meta: Readonly<Record<string, Value>>;
}

/** All stores of one task, with one commit boundary. Implementations: in-memory, RocksDB (src/state). */
export interface TaskStateStores {
  /** Opens (creating when absent) and returns the last durable checkpoint, or null for a fresh task. */
  open(): Promise<Checkpoint | null>;
  store(name: string): KeyValueStore;
  /** Changes made since the last commit or rollback, last write per key wins, in a deterministic order. */
  pendingChanges(): readonly StoreChange[];
  /** Makes the overlay durable together with the checkpoint, atomically. */
  commit(checkpoint: Checkpoint): Promise<void>;
  /** Discards the overlay: state is back at the last commit. */
  rollback(): void;
  /**
   * Applies changes read back from a changelog during restore (goes straight to the committed base).
   * Throws when there are uncommitted writes: restore before processing, or after commit/rollback.
   */
  applyRestored(changes: readonly StoreChange[]): void;
  close(): Promise<void>;
}

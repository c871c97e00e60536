// Runtime stage: the task contract the runners drive (embedded runner, Kafka worker, testing kit).
// A task runs every rule of a program over one partition group (partition p of every source topic).
import type { DeadLetter, OutputRecord } from "../core/record.ts";
import type { StoreChange } from "../state/store.ts";
import type { ChannelWatermark } from "../time/channel-watermarks.ts";

export type { ChannelWatermark } from "../time/channel-watermarks.ts";

/** A raw input record as read from a log: the value is undecoded text (decode errors are dead letters). */
export interface InputRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly key: string | null;
  readonly value: string;
  /** The log's timestamp (append time), ms; event time comes from the stream's time field when it has one. */
  readonly timestamp: number;
}

/** What a task produced since the last drain, in a deterministic order. */
export interface TaskOutput {
  readonly outputs: readonly OutputRecord[];
  readonly deadLetters: readonly DeadLetter[];
  /** Records for repartition topics (re-keyed streams), consumed by the downstream part of the rule. */
  readonly repartitions: readonly OutputRecord[];
  /** Every store change pending since the last commit (not only since the last drain), last write per key. */
  readonly changes: readonly StoreChange[];
  /**
   * Watermark-only records: the runner writes each to every channel this task feeds in `topic`
   * (so a downstream task hears of the upstream's progress when no record goes its way).
   */
  readonly watermarks: readonly ChannelWatermark[];
}

export interface TaskRuntime {
  readonly id: string;
  /** Buffers records (any batch size, any interleaving of partitions) and processes what the deterministic merge releases. */
  push(records: readonly InputRecord[]): void;
  /** Declares the end of bounded input: releases everything and fires every pending timer (watermark to +infinity). */
  endOfInput(): void;
  /**
   * Raises every input partition's watermark to at least `t` (never lowers it) without a record, then
   * fires the timers that are due: what endOfInput does with +infinity, up to t. Records still
   * buffered by the merge are not released by it; released later behind t, they are late.
   */
  advanceWatermark(t: number): void;
  /**
   * Takes the output produced since the last drain. `{ changes: false }` leaves `changes` empty for
   * a caller that keeps no changelog (collecting every pending change costs a walk of the overlay).
   */
  drain(opts?: { readonly changes?: boolean }): TaskOutput;
  /** `topic/partition` -> next offset, covering exactly the records whose effects are in the drained output. */
  positions(): Readonly<Record<string, number>>;
  /** Makes state and positions durable (one atomic batch). */
  commit(): Promise<void>;
  /** Drops everything since the last commit (state, buffered input, output): the caller re-reads from positions(). */
  rollback(): void;
  close(): Promise<void>;
}

/** What a task counted since it was created (additive: runners and metrics read it). */
export interface TaskStats {
  /** Input records released by the merge (decoded or not). */
  readonly recordsIn: number;
  /** Records that entered each rule (its first segment), after decoding. */
  readonly inputsByRule: Readonly<Record<string, number>>;
  /** Output records per rule. */
  readonly outputsByRule: Readonly<Record<string, number>>;
  /** Dead letters per reason (`late-record` is the late count). */
  readonly deadLettersByReason: Readonly<Record<string, number>>;
  /** Late records per rule. */
  readonly lateByRule: Readonly<Record<string, number>>;
  /** Pending event-time timers. */
  readonly pendingTimers: number;
  /** The state cache's counters, for stores over a bounded cache (docs/architecture.md, "State"). */
  readonly stateCache?: StateCacheStats;
}

export interface StateCacheStats {
  /** Prefetched entries and scopes already in memory. */
  readonly hits: number;
  /** Prefetched entries and scopes read from RocksDB. */
  readonly misses: number;
  /** Reads on the synchronous path that were not prefetched (each one fails its batch; a bug). */
  readonly faults: number;
  /** Clean entries evicted to stay within the budget. */
  readonly evictions: number;
  /** Estimated bytes of clean cache now, and the budget. */
  readonly bytes: number;
  readonly limit: number;
}

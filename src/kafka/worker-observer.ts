// Kafka I/O stage: what a worker tells whoever watches it (metrics, health, the dashboard). The
// worker and its tasks call these at a handful of points (a join, a batch fetched, a task opened,
// restored, committed, rolled back or closed), never per record: the counts come from the task's
// own counters (TaskStats), read once per committed batch.
import type { TaskStats } from "../runtime/task-api.ts";

/** An input partition of a task, by its Kafka topic. */
export interface ObservedInput {
  readonly topic: string;
  readonly partition: number;
  /** Next offset to read, as committed by the group. */
  readonly committed: number;
}

/** What the observer may read from an open task when it is asked (a scrape), not per record. */
export interface TaskProbe {
  /** Live entries per store (`KeyValueStore.size()`). */
  storeEntries(): Readonly<Record<string, number>>;
  /** Live partial matches per pattern rule (a walk of the pattern stores: read at scrape time only). */
  partialMatches(): Readonly<Record<string, number>>;
  /** The task's RocksDB folder, when it has one. */
  readonly stateDir: string | null;
}

/** One committed batch of a task. */
export interface CommittedBatch {
  /** The task's counters after the batch (cumulative since the task opened). */
  readonly stats: TaskStats;
  /** Committed positions of the inputs the batch moved. */
  readonly offsets: readonly {
    readonly topic: string;
    readonly partition: number;
    readonly offset: number;
  }[];
  /** The task's event-time watermark after the batch (ms; -Infinity before any event). */
  readonly watermark: number;
  /** Records written by the transaction (outputs, repartition, dead letters, changelog). */
  readonly written: number;
}

export type TransactionOutcome = "committed" | "aborted" | "ambiguous" | "fenced";

export interface WorkerObserver {
  /** The worker starts (before joining), with its group. */
  starting(group: string): void;
  /** The consumer joined the group (also after every rebalance), with its task partitions. */
  assigned(tasks: readonly number[]): void;
  /** A rebalance began (the consumer left its generation); ends with the next `assigned`. */
  rebalancing(): void;
  /** A batch was fetched: the partition's log end as the broker reported it. */
  fetched(topic: string, partition: number, highWatermark: number): void;
  taskOpening(task: string): void;
  /** Restore progress of one changelog (records read so far in this restore, position, end). */
  restoreProgress(task: string, changelog: string, restored: number, position: number, end: number): void;
  /** Restored and ready to process. */
  taskRunning(task: string, inputs: readonly ObservedInput[], probe: TaskProbe): void;
  /** One transaction's outcome and how long `commit` took (sends, offsets, commit). */
  transaction(task: string, outcome: TransactionOutcome, seconds: number): void;
  committed(task: string, batch: CommittedBatch): void;
  /** The task rolled back: work counted since its last commit is redone, so it is not counted. */
  rolledBack(task: string, stats: TaskStats): void;
  taskClosed(task: string, why: string): void;
  /** stop() began: readiness goes false before the drain. */
  stopping(): void;
}

// Kafka I/O stage: one transactional producer per task (transactionalId = `${group}-${taskId}`, so a
// restarted owner fences the old one), committing outputs + changelog + dead letters + offsets in one
// transaction through named phases. Guarantees (see ../shared/design/facts.md, KAFKA-17754):
// a failed send/sendOffsets aborts; a commit that throws is never aborted: the producer is replaced
// (its InitProducerId settles the old transaction) and the outcome is reported "ambiguous".
import type { Kafka, Producer, TopicMessages } from "kafkajs";
import { failpoint } from "./failpoints.ts";
import { describeError, isFenced } from "./kafka-errors.ts";
import {
  chunkRecords,
  DEFAULT_MAX_MESSAGE_BYTES,
  DEFAULT_MAX_SEND_BYTES,
  type SendBounds,
  type TopicRecord,
} from "./record-size.ts";

/** The broker's default `transaction.max.timeout.ms` (15 min); transactionTimeout must stay below it. */
export const BROKER_MAX_TRANSACTION_TIMEOUT_MS = 900_000;

export type { TopicRecord } from "./record-size.ts";

/** A consumed position to commit: `offset` is the next offset to read (last processed + 1). */
export interface OffsetToCommit {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly metadata?: string;
}

/** What one commit interval writes, atomically. */
export interface TransactionContent {
  /** Outputs, changelog and dead-letter records; per-partition order is kept. */
  readonly records: readonly TopicRecord[];
  readonly offsets: readonly OffsetToCommit[];
}

/**
 * committed: all visible. aborted: nothing visible (roll back, seek to the committed offsets).
 * ambiguous: the commit threw; the producer was replaced, so the transaction is now settled one way
 * or the other: re-read the group's committed offsets to learn which. fenced: another producer owns
 * this task now: drop it.
 */
export type CommitOutcome =
  | { readonly kind: "committed"; readonly ends?: Readonly<Record<string, number>> }
  | { readonly kind: "aborted"; readonly error: string }
  | { readonly kind: "ambiguous"; readonly error: string; readonly ends?: Readonly<Record<string, number>> }
  | { readonly kind: "fenced"; readonly error: string };

export interface TaskProducerOptions {
  readonly kafka: Kafka;
  readonly groupId: string;
  /** The consumer group whose offsets the transactions commit; default `groupId`. */
  readonly consumerGroupId?: string;
  readonly taskId: string;
  /** Default 60 s; must be below the broker's transaction.max.timeout.ms. */
  readonly transactionTimeoutMs?: number;
  /** Per topic, its max.message.bytes: bounds each partition's batch in a send (default 1 MB). */
  readonly maxMessageBytes?: (topic: string) => number;
  /** Bytes per send over all partitions (default 8 MB). */
  readonly maxSendBytes?: number;
  readonly log?: (event: string, fields: Record<string, unknown>) => void;
}

/** A task's transactional producer; one commit at a time. */
export interface TaskProducer {
  readonly transactionalId: string;
  /** How many producers this task has created (1 + replacements). */
  readonly generation: number;
  /** Connects and runs InitProducerId (fencing any older producer of this task). */
  start(): Promise<void>;
  commit(content: TransactionContent): Promise<CommitOutcome>;
  close(): Promise<void>;
}

function offsetTopics(offsets: readonly OffsetToCommit[]) {
  const byTopic = new Map<string, { partition: number; offset: string; metadata?: string }[]>();
  for (const o of offsets) {
    let list = byTopic.get(o.topic);
    if (list === undefined) byTopic.set(o.topic, (list = []));
    list.push({
      partition: o.partition,
      offset: String(o.offset),
      ...(o.metadata ? { metadata: o.metadata } : {}),
    });
  }
  return [...byTopic].map(([topic, partitions]) => ({ topic, partitions }));
}

/** Records, per `topic/partition`, the offset after the last record of a send (base offset + count). */
function noteEnds(
  ends: Record<string, number>,
  sent: readonly TopicMessages[],
  meta: readonly { topicName: string; partition: number; baseOffset?: string }[],
): void {
  // Records sent per topic and partition.
  const counts = new Map<string, Map<number, number>>();
  for (const t of sent) {
    let perPartition = counts.get(t.topic);
    if (perPartition === undefined) counts.set(t.topic, (perPartition = new Map()));
    for (const m of t.messages) {
      const p = m.partition ?? 0;
      perPartition.set(p, (perPartition.get(p) ?? 0) + 1);
    }
  }
  for (const m of meta) {
    const k = `${m.topicName}/${m.partition}`;
    const base = Number(m.baseOffset ?? -1);
    const n = counts.get(m.topicName)?.get(m.partition) ?? 0;
    if (base >= 0) ends[k] = Math.max(ends[k] ?? 0, base + n);
  }
}

/** Creates a task producer; call start() before commit(). */
export function createTaskProducer(options: TaskProducerOptions): TaskProducer {
  const timeout = options.transactionTimeoutMs ?? 60_000;
  if (timeout >= BROKER_MAX_TRANSACTION_TIMEOUT_MS || timeout < 1000) {
    throw new Error(
      `transactionTimeout ${timeout} ms: must be 1 s or more and below the broker's ${BROKER_MAX_TRANSACTION_TIMEOUT_MS} ms`,
    );
  }
  const bounds: SendBounds = {
    maxMessageBytes: options.maxMessageBytes ?? (() => DEFAULT_MAX_MESSAGE_BYTES),
    maxSendBytes: options.maxSendBytes ?? DEFAULT_MAX_SEND_BYTES,
  };
  const transactionalId = `${options.groupId}-${options.taskId}`;
  const log = options.log ?? (() => undefined);
  let producer: Producer | null = null;
  let generation = 0;
  let busy = false;
  let fenced: string | null = null;

  async function init(): Promise<Producer> {
    generation += 1;
    const p = options.kafka.producer({
      transactionalId,
      idempotent: true,
      maxInFlightRequests: 1,
      transactionTimeout: timeout,
      retry: { initialRetryTime: 5, maxRetryTime: 1000, retries: 30 },
    });
    await p.connect();
    // transaction() runs InitProducerId (waiting out CONCURRENT_TRANSACTIONS); an abort with nothing
    // registered sends no EndTxn and leaves the producer ready.
    const tx = await p.transaction();
    await tx.abort();
    log("producer.ready", { transactionalId, generation });
    return p;
  }

  async function replace(reason: string): Promise<void> {
    const old = producer;
    producer = null;
    await old?.disconnect().catch(() => undefined);
    log("producer.replace", { transactionalId, reason });
    producer = await init();
  }

  async function abortAndReplace(tx: { abort(): Promise<void> }, err: unknown): Promise<CommitOutcome> {
    const error = describeError(err);
    if (isFenced(err)) return fence(error);
    await tx.abort().catch(() => undefined);
    await replace(`aborted: ${error}`);
    return { kind: "aborted", error };
  }

  /**
   * Once fenced, the producer is dead: its transaction stays open on the client side, so a later
   * commit (the task may have a batch queued before it is dropped) would fail to begin one.
   */
  function fence(error: string): CommitOutcome {
    fenced = error;
    return { kind: "fenced", error };
  }

  async function run(content: TransactionContent): Promise<CommitOutcome> {
    if (fenced !== null) return { kind: "fenced", error: fenced };
    if (producer === null) throw new Error(`task producer ${transactionalId}: start() first`);
    const tx = await producer.transaction();
    // Per `topic/partition`: the offset after the last record sent (valid once the commit holds).
    const ends: Record<string, number> = {};
    try {
      for (const topicMessages of chunkRecords(content.records, bounds)) {
        const meta = await tx.sendBatch({ topicMessages, acks: -1 });
        noteEnds(ends, topicMessages, meta);
      }
      failpoint("after-send");
      if (content.offsets.length > 0) {
        await tx.sendOffsets({
          consumerGroupId: options.consumerGroupId ?? options.groupId,
          topics: offsetTopics(content.offsets),
        });
      }
      failpoint("after-send-offsets");
      failpoint("before-commit");
    } catch (err) {
      return abortAndReplace(tx, err);
    }
    try {
      await tx.commit();
      failpoint("after-commit");
      return { kind: "committed", ends };
    } catch (err) {
      const error = describeError(err);
      if (isFenced(err)) return fence(error);
      // Never abort after an unknown commit: a new producer's InitProducerId settles it.
      await replace(`commit failed: ${error}`);
      return { kind: "ambiguous", error, ends };
    }
  }

  return {
    transactionalId,
    get generation() {
      return generation;
    },
    async start() {
      if (producer === null) producer = await init();
    },
    async commit(content) {
      if (busy) throw new Error(`task producer ${transactionalId}: commit already in progress`);
      busy = true;
      try {
        return await run(content);
      } finally {
        busy = false;
      }
    },
    async close() {
      const p = producer;
      producer = null;
      await p?.disconnect().catch(() => undefined);
    },
  };
}

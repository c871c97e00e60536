// Kafka I/O stage: reads given partitions (read_committed by default) from a start offset to their
// current end, outside any application group: what changelog restore and output checks need.
//
// How, since kafkajs has no assign(): one consumer per read, in a throwaway group of its own
// (`<prefix>-read-<uuid>`, so it never touches the application group and owns every partition of
// the topics it subscribes to), never committing. After run() it seeks each wanted partition to its
// start offset and pauses every other partition. Each partition's end is read first with
// ListOffsets (read_committed: the last stable offset); a partition is done when a fetched batch
// reaches it (control and aborted records count: Batch.lastOffset() includes them).
import { randomUUID } from "node:crypto";
import type { Admin, Consumer, EachBatchPayload, Kafka, KafkaMessage } from "kafkajs";

/** One partition to read from `from` (next offset to read) to its end, or to `to` (exclusive) when given. */
export interface PartitionToRead {
  readonly topic: string;
  readonly partition: number;
  readonly from: number;
  readonly to?: number;
}

export interface ReadOptions {
  /** Prefix of the throwaway group id (default "vigil"). */
  readonly groupPrefix?: string;
  /** Default false (read_committed). */
  readonly readUncommitted?: boolean;
  /** Default 120 s. */
  readonly timeoutMs?: number;
  /** Called after each batch (from the consumer's run loop, which keeps heartbeating). */
  readonly onProgress?: (p: { topic: string; partition: number; position: number; end: number }) => void;
}

/** Per `topic/partition`: where the read ended (next offset to read). */
export type ReadTo = Map<string, number>;

/** `topic/partition`, the key used by checkpoints and reports. */
export const partitionId = (topic: string, partition: number): string => `${topic}/${partition}`;

/** Offsets of one partition: first available and end (read_committed: the last stable offset). */
export interface PartitionRange {
  readonly low: number;
  readonly end: number;
}

/** Leadership settles just after a topic is created: ListOffsets may fail for a moment. */
const RETRIABLE = /NOT_LEADER|LEADER_NOT_AVAILABLE|UNKNOWN_TOPIC_OR_PARTITION/;

export async function topicOffsets(admin: Admin, topic: string) {
  for (let attempt = 0; ; attempt++) {
    try {
      return await admin.fetchTopicOffsets(topic);
    } catch (err) {
      if (attempt >= 50 || !RETRIABLE.test(String((err as { type?: string }).type))) throw err;
      await new Promise((ok) => setTimeout(ok, 20 + attempt * 10));
    }
  }
}

/** Offset ranges per topic and partition. */
export async function endOffsets(
  kafka: Kafka,
  topics: readonly string[],
): Promise<Map<string, Map<number, PartitionRange>>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const result = new Map<string, Map<number, PartitionRange>>();
    for (const topic of new Set(topics)) {
      const offsets = await topicOffsets(admin, topic);
      result.set(
        topic,
        new Map(offsets.map((o) => [o.partition, { low: Number(o.low), end: Number(o.high) }])),
      );
    }
    return result;
  } finally {
    await admin.disconnect();
  }
}

type OnMessages = (part: PartitionToRead, messages: readonly KafkaMessage[]) => void | Promise<void>;

interface Pending {
  readonly part: PartitionToRead;
  readonly end: number;
}

/**
 * Reads each partition from `from` to its end, handing `onMessages` its messages in log order.
 * @example await readPartitions(kafka, [{ topic: "alerts", partition: 0, from: 0 }], (p, ms) => out.push(...ms))
 */
export async function readPartitions(
  kafka: Kafka,
  parts: readonly PartitionToRead[],
  onMessages: OnMessages,
  options: ReadOptions = {},
): Promise<ReadTo> {
  const ends = await endOffsets(
    kafka,
    parts.map((p) => p.topic),
  );
  const readTo: ReadTo = new Map();
  const pending = new Map<string, Pending>();
  for (const wanted of parts) {
    const range = ends.get(wanted.topic)?.get(wanted.partition);
    if (range === undefined) {
      throw new Error(`partition ${partitionId(wanted.topic, wanted.partition)} does not exist`);
    }
    // Below the log start (retention, deleted segments) there is nothing left to read.
    const part = { ...wanted, from: Math.max(wanted.from, range.low) };
    const end = Math.min(range.end, wanted.to ?? range.end);
    readTo.set(partitionId(part.topic, part.partition), Math.max(part.from, end));
    if (part.from < end) pending.set(partitionId(part.topic, part.partition), { part, end });
  }
  if (pending.size === 0) return readTo;
  const consumer = kafka.consumer({
    groupId: `${options.groupPrefix ?? "vigil"}-read-${randomUUID()}`,
    readUncommitted: options.readUncommitted ?? false,
    allowAutoTopicCreation: false,
  });
  try {
    await runRead(consumer, ends, pending, onMessages, options);
  } finally {
    await consumer.disconnect().catch(() => undefined);
  }
  return readTo;
}

async function runRead(
  consumer: Consumer,
  ends: Map<string, Map<number, PartitionRange>>,
  pending: Map<string, Pending>,
  onMessages: OnMessages,
  options: ReadOptions,
): Promise<void> {
  await consumer.connect();
  const topics = [...new Set([...pending.values()].map((p) => p.part.topic))];
  await consumer.subscribe({ topics, fromBeginning: true });
  let finish: (err?: unknown) => void = () => undefined;
  const done = new Promise<void>((ok, fail) => {
    finish = (err) => (err === undefined ? ok() : fail(err));
  });
  const timeoutMs = options.timeoutMs ?? 120_000;
  const timer = setTimeout(
    () =>
      finish(
        new Error(`read timed out after ${timeoutMs} ms; still reading ${[...pending.keys()].join(", ")}`),
      ),
    timeoutMs,
  );
  const advance = (topic: string, partition: number, lastOffset: number) => {
    const key = partitionId(topic, partition);
    const entry = pending.get(key);
    if (entry === undefined) return;
    const position = Math.min(lastOffset + 1, entry.end);
    options.onProgress?.({ topic, partition, position, end: entry.end });
    if (position < entry.end) return;
    pending.delete(key);
    consumer.pause([{ topic, partitions: [partition] }]);
    if (pending.size === 0) finish();
  };
  const readBatch = async ({ batch, heartbeat }: EachBatchPayload) => {
    const entry = pending.get(partitionId(batch.topic, batch.partition));
    if (entry === undefined) return;
    const messages = batch.messages.filter(
      (m) => Number(m.offset) >= entry.part.from && Number(m.offset) < entry.end,
    );
    if (messages.length > 0) await onMessages(entry.part, messages);
    await heartbeat();
    advance(batch.topic, batch.partition, Number(batch.lastOffset()));
  };
  // A fetch holding only control records (a commit marker at the end of the log) never reaches
  // eachBatch; kafkajs reports it with END_BATCH_PROCESS.
  consumer.on(consumer.events.END_BATCH_PROCESS, (e) => {
    advance(e.payload.topic, e.payload.partition, Number(e.payload.lastOffset));
  });
  // An error thrown from eachBatch would make kafkajs restart the consumer: end the read instead.
  const eachBatch = (payload: EachBatchPayload) => readBatch(payload).catch(finish);
  try {
    await consumer.run({ autoCommit: false, eachBatch }).catch(finish);
    for (const topic of topics) {
      const wanted = [...pending.values()].filter((p) => p.part.topic === topic);
      const others = [...(ends.get(topic)?.keys() ?? [])].filter(
        (p) => !wanted.some((w) => w.part.partition === p),
      );
      if (others.length > 0) consumer.pause([{ topic, partitions: others }]);
      for (const { part } of wanted)
        consumer.seek({ topic, partition: part.partition, offset: String(part.from) });
    }
    await done;
  } finally {
    clearTimeout(timer);
  }
}

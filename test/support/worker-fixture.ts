// Kafka worker test fixture: an input topic of N partitions, JSON rows keyed by card, one worker run
// until it has committed every input record, per-partition reads of the output, and the comparison
// with the embedded run's output (outputs of the sentinel rows' windows left out).
import assert from "node:assert/strict";
import type { Kafka, KafkaMessage } from "kafkajs";
import type { Row } from "../../src/core/value.ts";
import { resolveConnection } from "../../src/kafka/connection.ts";
import { readPartitions } from "../../src/kafka/partition-reader.ts";
import { createWorker, type WorkerOptions } from "../../src/kafka/worker.ts";
import type { EmbeddedResult } from "../../src/runtime/embedded-result.ts";
import { partitionForKey } from "../../src/runtime/partitioner.ts";
import { testKafka } from "./kafka-env.ts";

/** How far past the data the sentinels stand; windows starting this late hold only sentinels. */
const SENTINEL_GAP_MS = 86_400_000;
const SENTINEL_WINDOW_START_MS = 80_000_000;

/** A card whose key lands on partition p (to push every partition's watermark past the data). */
export function cardOn(p: number, partitions: number): string {
  for (let i = 0; ; i++) if (partitionForKey(`zz${i}`, partitions) === p) return `zz${i}`;
}

/** One zero-amount row per partition, a day after `lastTs`: it closes every window of the data. */
export function sentinelRows(lastTs: number, partitions: number): Row[] {
  return Array.from({ length: partitions }, (_, p) => ({
    id: -1 - p,
    card: cardOn(p, partitions),
    amount: 0,
    ts: lastTs + SENTINEL_GAP_MS,
  }));
}

export async function createInputTopic(kafka: Kafka, topic: string, partitions: number): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true });
  await admin.disconnect();
}

/** Rows go to their card's partition with their `ts`; a string is a raw (undecodable) value on partition 0. */
export async function produceRows(
  kafka: Kafka,
  topic: string,
  rows: readonly (Row | string)[],
  partitions: number,
): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  const messages = rows.map((r) => {
    if (typeof r === "string") return { key: null, value: r, partition: 0, timestamp: "1000000" };
    const key = String(r["card"]);
    return {
      key,
      value: JSON.stringify(r),
      partition: partitionForKey(key, partitions),
      timestamp: String(r["ts"]),
    };
  });
  await producer.send({ topic, messages, acks: -1 });
  await producer.disconnect();
}

/** Every message of `topic` from offset 0, by partition. */
export async function readAll(kafka: Kafka, topic: string, partitions: number): Promise<KafkaMessage[][]> {
  const out: KafkaMessage[][] = Array.from({ length: partitions }, () => []);
  const parts = out.map((_, partition) => ({ topic, partition, from: 0 }));
  await readPartitions(kafka, parts, (p, ms) => {
    out[p.partition]!.push(...ms);
  });
  return out;
}

async function topicEnds(kafka: Kafka, topic: string): Promise<number[]> {
  const admin = kafka.admin();
  await admin.connect();
  const offsets = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  return offsets.sort((a, b) => a.partition - b.partition).map((o) => Number(o.high));
}

async function waitCommitted(kafka: Kafka, groupId: string, topic: string, ends: number[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    for (let i = 0; i < 600; i++) {
      const offsets = await admin.fetchOffsets({ groupId, topics: [topic] });
      const at = (p: number) => Number(offsets[0]?.partitions.find((x) => x.partition === p)?.offset ?? -1);
      if (ends.every((end, p) => at(p) >= end)) return;
      await new Promise((ok) => setTimeout(ok, 50));
    }
    throw new Error("the worker did not commit every input record in time");
  } finally {
    await admin.disconnect();
  }
}

/** One worker run over everything produced so far: starts, waits until it committed the whole input, stops. */
export async function runWorkerUntilCommitted(
  brokers: string[],
  options: Omit<WorkerOptions, "connection" | "sessionTimeoutMs">,
): Promise<void> {
  const worker = createWorker({
    connection: resolveConnection({ brokers }, {}),
    sessionTimeoutMs: 6_000,
    ...options,
  });
  const kafka = testKafka(brokers);
  const input = options.plan.streams[0]!.topic;
  const ends = await topicEnds(kafka, input);
  await worker.start();
  try {
    await waitCommitted(kafka, options.groupId, input, ends);
  } finally {
    await worker.stop();
  }
}

/** The embedded run's values for `topic` as JSON text by partition, without the sentinels' windows. */
export function embeddedOutput(
  embedded: EmbeddedResult,
  topic: string,
  partitions: number,
  lastTs: number,
): string[][] {
  return Array.from({ length: partitions }, (_, p) =>
    (embedded.byPartition[topic]?.[p] ?? [])
      .filter(
        (o) =>
          !(typeof o.value["start"] === "number" && o.value["start"] >= lastTs + SENTINEL_WINDOW_START_MS),
      )
      .map((o) => JSON.stringify(o.value)),
  );
}

/** Asserts equal lists per partition, compared as text: a failing deepEqual of long arrays spends minutes on its diff. */
export function assertSamePartitions(got: string[][], want: string[][], what: string): void {
  for (let p = 0; p < Math.max(got.length, want.length); p++) {
    const g = got[p] ?? [];
    const w = want[p] ?? [];
    const at = g.findIndex((x, i) => x !== w[i]);
    const where = at < 0 ? g.length : at;
    assert.ok(
      g.length === w.length && at < 0,
      `${what}/${p}: ${g.length} records, expected ${w.length}; first difference at ${where}: ${g[where]} vs ${w[where]}`,
    );
  }
}

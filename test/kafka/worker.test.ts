// Kafka I/O stage tests: a worker over a real broker yields, per output partition, exactly what the
// embedded runner yields for the same input (a filter and a tumbling window), with bad records in
// the dead-letter topic; a second worker run (fresh memory state) restores from the changelogs.
import assert from "node:assert/strict";
import type { Kafka, KafkaMessage } from "kafkajs";
import type { Row } from "../../src/core/value.ts";
import { resolveConnection } from "../../src/kafka/connection.ts";
import { readPartitions } from "../../src/kafka/partition-reader.ts";
import { HEADERS } from "../../src/kafka/serdes.ts";
import { createWorker } from "../../src/kafka/worker.ts";
import type { ProgramPlan } from "../../src/plan/plan.ts";
import { runEmbedded } from "../../src/runtime/embedded-runner.ts";
import { partitionForKey } from "../../src/runtime/partitioner.ts";
import { filterRule, paymentRows, payments, planOf, windowRule } from "../runtime/support/plans.ts";
import { kafkaTest, testKafka, uniqueName } from "../support/kafka-env.ts";

const PARTITIONS = 3;

function testPlan(): ProgramPlan {
  const suffix = uniqueName("w");
  const rules = [filterRule(), windowRule("tumble", { kind: "tumbling", sizeMs: 10_000 })].map((r) => ({
    ...r,
    sink: { ...r.sink, topic: `${r.sink.topic}-${suffix}` },
  }));
  return planOf(rules, { ...payments, topic: `payments-${suffix}` });
}

/** A card whose key lands on partition p (to push every partition's watermark past the data). */
function cardOn(p: number): string {
  for (let i = 0; ; i++) if (partitionForKey(`zz${i}`, PARTITIONS) === p) return `zz${i}`;
}

async function produce(kafka: Kafka, topic: string, rows: readonly (Row | string)[]): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  const messages = rows.map((r) => {
    if (typeof r === "string") return { key: null, value: r, partition: 0, timestamp: "1000000" };
    const key = String(r["card"]);
    return {
      key,
      value: JSON.stringify(r),
      partition: partitionForKey(key, PARTITIONS),
      timestamp: String(r["ts"]),
    };
  });
  await producer.send({ topic, messages, acks: -1 });
  await producer.disconnect();
}

async function readAll(kafka: Kafka, topic: string): Promise<KafkaMessage[][]> {
  const out: KafkaMessage[][] = Array.from({ length: PARTITIONS }, () => []);
  const parts = out.map((_, partition) => ({ topic, partition, from: 0 }));
  await readPartitions(kafka, parts, (p, ms) => {
    out[p.partition]!.push(...ms);
  });
  return out;
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

async function runWorker(
  brokers: string[],
  plan: ProgramPlan,
  groupId: string,
  ends: number[],
): Promise<void> {
  const worker = createWorker({
    connection: resolveConnection({ brokers }, {}),
    groupId,
    plan,
    sessionTimeoutMs: 6_000,
    log: process.env["VIGIL_TEST_LOG"] ? undefined : () => undefined,
  });
  await worker.start();
  try {
    await waitCommitted(testKafka(brokers), groupId, plan.streams[0]!.topic, ends);
  } finally {
    await worker.stop();
  }
}

kafkaTest(
  "a worker's read_committed output equals the embedded run's, partition by partition",
  async (brokers) => {
    const kafka = testKafka(brokers);
    const plan = testPlan();
    const input = plan.streams[0]!.topic;
    const groupId = uniqueName("worker");
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: input, numPartitions: PARTITIONS }], waitForLeaders: true });
    await admin.disconnect();

    const rows = paymentRows(11, 300);
    const firstHalf = rows.slice(0, 150);
    await produce(kafka, input, [...firstHalf, "{not json"]);
    const endsAfter = async () => {
      await admin.connect();
      const offsets = await admin.fetchTopicOffsets(input);
      await admin.disconnect();
      return offsets.sort((a, b) => a.partition - b.partition).map((o) => Number(o.high));
    };
    await runWorker(brokers, plan, groupId, await endsAfter());
    // A second worker (new process state: memory stores) restores the windows from the changelogs.
    const lastTs = rows[rows.length - 1]!["ts"] as number;
    const sentinels = Array.from({ length: PARTITIONS }, (_, p) => ({
      id: -1 - p,
      card: cardOn(p),
      amount: 0,
      ts: lastTs + 86_400_000,
    }));
    await produce(kafka, input, [...rows.slice(150), ...sentinels]);
    await runWorker(brokers, plan, groupId, await endsAfter());

    const embedded = await runEmbedded({
      plan,
      inputs: { records: { [plan.streams[0]!.name]: [...firstHalf, ...rows.slice(150), ...sentinels] } },
      partitions: PARTITIONS,
    });
    for (const rule of plan.rules) {
      const topic = rule.sink.topic;
      const got = (await readAll(kafka, topic)).map((ms) =>
        ms.map((m) => JSON.parse(m.value?.toString() ?? "")),
      );
      const want = (embedded.byPartition[topic] ?? []).map((os) =>
        os
          .filter((o) => !(typeof o.value["start"] === "number" && o.value["start"] >= lastTs + 80_000_000))
          .map((o) => o.value),
      );
      while (want.length < PARTITIONS) want.push([]);
      // Compared as text: a failing deepEqual of long arrays spends minutes building its diff.
      for (let p = 0; p < PARTITIONS; p++) {
        const g = (got[p] ?? []).map((v) => JSON.stringify(v));
        const w = (want[p] ?? []).map((v) => JSON.stringify(v));
        const at = g.findIndex((x, i) => x !== w[i]);
        const where = at < 0 ? g.length : at;
        assert.ok(
          g.length === w.length && at < 0,
          `${topic}/${p}: ${g.length} records, expected ${w.length}; first difference at ${where}: ${g[where]} vs ${w[where]}`,
        );
      }
      assert.ok(got.flat().length > 20, `${topic} has outputs`);
    }
    const dead = (await readAll(kafka, `${groupId}-dead-letters`)).flat();
    assert.equal(dead.length, 1);
    assert.equal(dead[0]?.value?.toString(), "{not json");
    assert.equal(dead[0]?.headers?.[HEADERS.reason]?.toString(), "decode-error");
    assert.equal(dead[0]?.headers?.[HEADERS.sourceTopic]?.toString(), input);
  },
);

// Kafka I/O stage tests: a pattern with `on timeout emit` on Kafka. The worker creates the timeout
// topic (one of the plan's output topics, src/plan/outputs.ts) and writes the timed-out partial
// matches there, exactly as the embedded run does; the matches go to the rule's own topic.
import assert from "node:assert/strict";
import type { Kafka } from "kafkajs";
import type { Row } from "../../src/core/value.ts";
import { resolveConnection } from "../../src/kafka/connection.ts";
import { readPartitions } from "../../src/kafka/partition-reader.ts";
import { createWorker } from "../../src/kafka/worker.ts";
import { compileProgram } from "../../src/plan/compile.ts";
import { runEmbedded } from "../../src/runtime/embedded-runner.ts";
import { partitionForKey } from "../../src/runtime/partitioner.ts";
import { paymentRows } from "../runtime/support/plans.ts";
import { kafkaTest, testKafka, uniqueName } from "../support/kafka-env.ts";

const PARTITIONS = 3;

function rules(payments: string, out: string, timeouts: string): string {
  return `stream payments from topic "${payments}"
  key card
  format json
  schema { id: int, card: string, amount: float, ts: timestamp }
  event time ts, lateness 1s

rule small_then_big
  from payments
  match small: amount < 40 -> big: amount > 250
  within 8s
  on timeout emit to "${timeouts}" { card, small_id: small.id, small: small.amount }
  emit to "${out}" { card, small_id: small.id, big_id: big.id }
`;
}

async function produce(kafka: Kafka, topic: string, rows: readonly Row[]) {
  const producer = kafka.producer();
  await producer.connect();
  const messages = rows.map((r) => ({
    key: String(r["card"]),
    value: JSON.stringify(r),
    partition: partitionForKey(String(r["card"]), PARTITIONS),
    timestamp: String(r["ts"]),
  }));
  await producer.send({ topic, messages, acks: -1 });
  await producer.disconnect();
}

async function readAll(kafka: Kafka, topic: string): Promise<string[]> {
  const got: string[] = [];
  const parts = Array.from({ length: PARTITIONS }, (_, partition) => ({ topic, partition, from: 0 }));
  await readPartitions(kafka, parts, (_p, ms) => {
    got.push(...ms.map((m) => m.value?.toString() ?? ""));
  });
  return got.sort();
}

kafkaTest("timed-out partial matches go to their own topic on Kafka, as embedded", async (brokers) => {
  const kafka = testKafka(brokers);
  const s = uniqueName("timeout");
  const [payments, out, timeouts, group] = [`pay-${s}`, `big-${s}`, `to-${s}`, `g-${s}`];
  const admin = kafka.admin();
  await admin.connect();
  try {
    // Only the input exists: the worker creates both output topics.
    await admin.createTopics({
      topics: [{ topic: payments, numPartitions: PARTITIONS }],
      waitForLeaders: true,
    });
    const rows = paymentRows(7, 240, 6);
    // A late record on every partition moves each task's watermark past every `within`, so every
    // partial match times out on Kafka too (the embedded run times them out at its end of input).
    const cards = ["c0", "c1", "c2", "c3", "c4", "c5", "x0", "x1", "x2", "x3"];
    const flush = cards.map((card, i) => ({ id: 10_000 + i, card, amount: 100, ts: 9_000_000 }));
    const all = [...rows, ...flush];
    await produce(kafka, payments, all);
    const plan = compileProgram([{ path: "timeout.vigil", text: rules(payments, out, timeouts) }]).plan!;
    const worker = createWorker({
      connection: resolveConnection({ brokers }, {}),
      groupId: group,
      plan,
      sessionTimeoutMs: 6_000,
      idleMs: 200,
      log: () => undefined,
    });
    await worker.start();
    try {
      const ends = new Map(
        (await admin.fetchTopicOffsets(payments)).map((o) => [o.partition, Number(o.high)]),
      );
      for (let i = 0; i < 600; i++) {
        const offsets = await admin.fetchOffsets({ groupId: group, topics: [payments] });
        const done = (offsets[0]?.partitions ?? []).every(
          (p) => Number(p.offset) >= (ends.get(p.partition) ?? 0),
        );
        if (done) break;
        await new Promise((ok) => setTimeout(ok, 50));
      }
    } finally {
      await worker.stop();
    }
    assert.ok((await admin.listTopics()).includes(timeouts), "the worker created the timeout topic");
    const embedded = await runEmbedded({
      plan,
      inputs: { records: { payments: all } },
      partitions: PARTITIONS,
    });
    const want = (topic: string) =>
      embedded.outputs
        .filter((o) => o.topic === topic)
        .map((o) => JSON.stringify(o.value))
        .sort();
    assert.ok(want(timeouts).length > 10, `embedded timeouts: ${want(timeouts).length}`);
    assert.ok(want(out).length > 3, `embedded matches: ${want(out).length}`);
    assert.deepEqual(await readAll(kafka, timeouts), want(timeouts));
    assert.deepEqual(await readAll(kafka, out), want(out));
  } finally {
    await admin.disconnect();
  }
});

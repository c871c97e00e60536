// Kafka I/O stage tests: a stream-table join on Kafka. A task reads partition p of both topics; once
// the table partition goes quiet, the idle tick releases the held stream records, so the worker
// never stalls, and the alerts are the embedded run's.
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

function rules(payments: string, limits: string, out: string): string {
  return `stream payments from topic "${payments}"
  key card
  format json
  schema { id: int, card: string, amount: float, ts: timestamp }
  event time ts, lateness 1s

table limits from topic "${limits}"
  key card
  format json
  schema { card: string, max: float }

rule over_limit
  from payments
  join table limits
  where amount > limits.max
  emit to "${out}" { id, card, amount, max: limits.max }
`;
}

async function produce(kafka: Kafka, topic: string, rows: readonly Row[], time: (r: Row) => number) {
  const producer = kafka.producer();
  await producer.connect();
  const messages = rows.map((r) => ({
    key: String(r["card"]),
    value: JSON.stringify(r),
    partition: partitionForKey(String(r["card"]), PARTITIONS),
    timestamp: String(time(r)),
  }));
  await producer.send({ topic, messages, acks: -1 });
  await producer.disconnect();
}

kafkaTest("a stream-table join runs on Kafka without stalling on the quiet table", async (brokers) => {
  const kafka = testKafka(brokers);
  const s = uniqueName("join");
  const [payments, limits, out, group] = [`pay-${s}`, `limits-${s}`, `over-${s}`, `g-${s}`];
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({
      topics: [payments, limits, out].map((topic) => ({ topic, numPartitions: PARTITIONS })),
      waitForLeaders: true,
    });
    const limitRows = Array.from({ length: 6 }, (_, i) => ({ card: `c${i}`, max: 100 + 20 * i }));
    const rows = paymentRows(3, 200, 6);
    await produce(kafka, limits, limitRows, () => 1);
    await produce(kafka, payments, rows, (r) => Number(r["ts"]));
    const plan = compileProgram([{ path: "join.vigil", text: rules(payments, limits, out) }]).plan!;
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
      for (let i = 0; i < 400; i++) {
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
    const got: string[] = [];
    const parts = Array.from({ length: PARTITIONS }, (_, partition) => ({ topic: out, partition, from: 0 }));
    await readPartitions(kafka, parts, (_p, ms) => {
      got.push(...ms.map((m) => m.value?.toString() ?? ""));
    });
    const embedded = await runEmbedded({
      plan,
      inputs: { records: { payments: rows, limits: limitRows } },
      partitions: PARTITIONS,
    });
    const want = embedded.outputs.map((o) => JSON.stringify(o.value));
    assert.ok(want.length > 10, `embedded alerts: ${want.length}`);
    assert.deepEqual(got.sort(), want.sort());
  } finally {
    await admin.disconnect();
  }
});

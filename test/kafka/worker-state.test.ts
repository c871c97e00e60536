// Kafka I/O stage tests (issue 5, test 5): a worker with --state-dir keeps its stores in RocksDB.
// A restart with the folder replays only the changelog tail; a deleted or corrupt folder between runs
// is rebuilt from the changelog from offset 0; either way the output equals the embedded run's.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Kafka, KafkaMessage } from "kafkajs";
import type { Row } from "../../src/core/value.ts";
import { resolveConnection } from "../../src/kafka/connection.ts";
import { readPartitions } from "../../src/kafka/partition-reader.ts";
import { createWorker } from "../../src/kafka/worker.ts";
import type { ProgramPlan } from "../../src/plan/plan.ts";
import { runEmbedded } from "../../src/runtime/embedded-runner.ts";
import { partitionForKey } from "../../src/runtime/partitioner.ts";
import { paymentRows, payments, planOf, windowRule } from "../runtime/support/plans.ts";
import { kafkaTest, testKafka, uniqueName } from "../support/kafka-env.ts";

const PARTITIONS = 2;

function testPlan(): ProgramPlan {
  const suffix = uniqueName("s");
  const rule = windowRule("tumble", { kind: "tumbling", sizeMs: 10_000 });
  return planOf([{ ...rule, sink: { ...rule.sink, topic: `${rule.sink.topic}-${suffix}` } }], {
    ...payments,
    topic: `payments-${suffix}`,
  });
}

function cardOn(p: number): string {
  for (let i = 0; ; i++) if (partitionForKey(`zz${i}`, PARTITIONS) === p) return `zz${i}`;
}

async function produce(kafka: Kafka, topic: string, rows: readonly Row[]): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  const messages = rows.map((r) => {
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

async function ends(kafka: Kafka, topic: string): Promise<number[]> {
  const admin = kafka.admin();
  await admin.connect();
  const offsets = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  return offsets.sort((a, b) => a.partition - b.partition).map((o) => Number(o.high));
}

async function waitCommitted(kafka: Kafka, groupId: string, topic: string, want: number[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    for (let i = 0; i < 600; i++) {
      const offsets = await admin.fetchOffsets({ groupId, topics: [topic] });
      const at = (p: number) => Number(offsets[0]?.partitions.find((x) => x.partition === p)?.offset ?? -1);
      if (want.every((end, p) => at(p) >= end)) return;
      await new Promise((ok) => setTimeout(ok, 50));
    }
    throw new Error("the worker did not commit every input record in time");
  } finally {
    await admin.disconnect();
  }
}

type Restored = { task: string; changes: number; local: boolean; corrupt?: boolean };

/** One worker run over everything produced so far; returns its task.restored events. */
async function runWorker(brokers: string[], plan: ProgramPlan, groupId: string, stateDir: string) {
  const restored: Restored[] = [];
  const worker = createWorker({
    connection: resolveConnection({ brokers }, {}),
    groupId,
    plan,
    stateDir,
    sessionTimeoutMs: 6_000,
    log: (event, fields) => {
      if (process.env["VIGIL_TEST_LOG"]) console.log(event, JSON.stringify(fields));
      if (event === "task.restored") restored.push(fields as unknown as Restored);
      if (event === "task.state-corrupt")
        restored.push({ task: String(fields?.["task"]), changes: -1, local: false, corrupt: true });
    },
  });
  const kafka = testKafka(brokers);
  await worker.start();
  try {
    await waitCommitted(kafka, groupId, plan.streams[0]!.topic, await ends(kafka, plan.streams[0]!.topic));
  } finally {
    await worker.stop();
  }
  return restored.sort((a, b) => a.task.localeCompare(b.task));
}

async function readAll(kafka: Kafka, topic: string): Promise<KafkaMessage[][]> {
  const out: KafkaMessage[][] = Array.from({ length: PARTITIONS }, () => []);
  const parts = out.map((_, partition) => ({ topic, partition, from: 0 }));
  await readPartitions(kafka, parts, (p, ms) => {
    out[p.partition]!.push(...ms);
  });
  return out;
}

kafkaTest(
  "deleting a worker's state folder between runs restores from the changelog with identical results",
  async (brokers) => {
    const kafka = testKafka(brokers);
    const plan = testPlan();
    const input = plan.streams[0]!.topic;
    const groupId = uniqueName("state");
    const stateDir = mkdtempSync(join(tmpdir(), "vigil-worker-state-"));
    try {
      const admin = kafka.admin();
      await admin.connect();
      await admin.createTopics({
        topics: [{ topic: input, numPartitions: PARTITIONS }],
        waitForLeaders: true,
      });
      await admin.disconnect();
      const rows = paymentRows(23, 300);
      const lastTs = rows[rows.length - 1]!["ts"] as number;
      const sentinels = Array.from({ length: PARTITIONS }, (_, p) => ({
        id: -1 - p,
        card: cardOn(p),
        amount: 0,
        ts: lastTs + 86_400_000,
      }));
      const slices = [rows.slice(0, 100), rows.slice(100, 200), [...rows.slice(200), ...sentinels]];

      await produce(kafka, input, slices[0]!);
      const first = await runWorker(brokers, plan, groupId, stateDir);
      assert.ok(
        first.every((r) => !r.local && r.changes === 0),
        JSON.stringify(first),
      );
      assert.ok(existsSync(join(stateDir, groupId, "0")), "the task's RocksDB folder exists");

      // Same folder: the local checkpoint covers the whole changelog, nothing to replay.
      await produce(kafka, input, slices[1]!);
      const second = await runWorker(brokers, plan, groupId, stateDir);
      assert.ok(
        second.length === PARTITIONS && second.every((r) => r.local && r.changes === 0),
        JSON.stringify(second),
      );

      // Task 0's folder deleted, task 1's corrupted (junk CURRENT file: wiped on open): both tasks
      // restore their state from the changelog, from offset 0.
      rmSync(join(stateDir, groupId, "0"), { recursive: true, force: true });
      writeFileSync(join(stateDir, groupId, "1", "CURRENT"), "junk\n");
      await produce(kafka, input, slices[2]!);
      const third = await runWorker(brokers, plan, groupId, stateDir);
      const corrupt = third.filter((r) => r.corrupt).map((r) => r.task);
      const restores = third.filter((r) => !r.corrupt);
      assert.deepEqual(corrupt, ["1"], JSON.stringify(third));
      assert.ok(
        restores.length === PARTITIONS && restores.every((r) => !r.local && r.changes > 0),
        JSON.stringify(third),
      );

      const embedded = await runEmbedded({
        plan,
        inputs: { records: { [plan.streams[0]!.name]: slices.flat() } },
        partitions: PARTITIONS,
      });
      const topic = plan.rules[0]!.sink.topic;
      const got = (await readAll(kafka, topic)).map((ms) => ms.map((m) => m.value?.toString() ?? ""));
      const want = Array.from({ length: PARTITIONS }, (_, p) =>
        (embedded.byPartition[topic]?.[p] ?? [])
          .filter((o) => !(typeof o.value["start"] === "number" && o.value["start"] >= lastTs + 80_000_000))
          .map((o) => JSON.stringify(o.value)),
      );
      for (let p = 0; p < PARTITIONS; p++) {
        const g = got[p]!;
        const w = want[p]!;
        const at = g.findIndex((x, i) => x !== w[i]);
        assert.ok(
          g.length === w.length && at < 0,
          `${topic}/${p}: ${g.length} vs ${w.length}; first difference at ${at}`,
        );
      }
      assert.ok(got.flat().length > 10, "the window rule has outputs");
    } finally {
      rmSync(stateDir, { recursive: true, force: true });
    }
  },
  { timeout: 120_000 },
);

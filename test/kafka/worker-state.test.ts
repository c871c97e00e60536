// Kafka I/O stage tests (issue 5, test 5): a worker with --state-dir keeps its stores in RocksDB.
// A restart with the folder replays only the changelog tail; a deleted or corrupt folder between runs
// is rebuilt from the changelog from offset 0; either way the output equals the embedded run's.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ProgramPlan } from "../../src/plan/plan.ts";
import { runEmbedded } from "../../src/runtime/embedded-runner.ts";
import { paymentRows, payments, planOf, windowRule } from "../runtime/support/plans.ts";
import { kafkaTest, testKafka, uniqueName } from "../support/kafka-env.ts";
import {
  assertSamePartitions,
  createInputTopic,
  embeddedOutput,
  produceRows,
  readAll,
  runWorkerUntilCommitted,
  sentinelRows,
} from "../support/worker-fixture.ts";

const PARTITIONS = 2;

function testPlan(): ProgramPlan {
  const suffix = uniqueName("s");
  const rule = windowRule("tumble", { kind: "tumbling", sizeMs: 10_000 });
  return planOf([{ ...rule, sink: { ...rule.sink, topic: `${rule.sink.topic}-${suffix}` } }], {
    ...payments,
    topic: `payments-${suffix}`,
  });
}

type Restored = { task: string; changes: number; local: boolean; corrupt?: boolean };

/** One worker run over everything produced so far; returns its task.restored events. */
async function runWorker(brokers: string[], plan: ProgramPlan, groupId: string, stateDir: string) {
  const restored: Restored[] = [];
  await runWorkerUntilCommitted(brokers, {
    groupId,
    plan,
    stateDir,
    log: (event, fields) => {
      if (process.env["VIGIL_TEST_LOG"]) console.log(event, JSON.stringify(fields));
      if (event === "task.restored") restored.push(fields as unknown as Restored);
      if (event === "task.state-corrupt")
        restored.push({ task: String(fields?.["task"]), changes: -1, local: false, corrupt: true });
    },
  });
  return restored.sort((a, b) => a.task.localeCompare(b.task));
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
      await createInputTopic(kafka, input, PARTITIONS);
      const rows = paymentRows(23, 300);
      const lastTs = rows[rows.length - 1]!["ts"] as number;
      const sentinels = sentinelRows(lastTs, PARTITIONS);
      const slices = [rows.slice(0, 100), rows.slice(100, 200), [...rows.slice(200), ...sentinels]];

      await produceRows(kafka, input, slices[0]!, PARTITIONS);
      const first = await runWorker(brokers, plan, groupId, stateDir);
      assert.ok(
        first.every((r) => !r.local && r.changes === 0),
        JSON.stringify(first),
      );
      assert.ok(existsSync(join(stateDir, groupId, "0")), "the task's RocksDB folder exists");

      // Same folder: the local checkpoint covers the whole changelog, nothing to replay.
      await produceRows(kafka, input, slices[1]!, PARTITIONS);
      const second = await runWorker(brokers, plan, groupId, stateDir);
      assert.ok(
        second.length === PARTITIONS && second.every((r) => r.local && r.changes === 0),
        JSON.stringify(second),
      );

      // Task 0's folder deleted, task 1's corrupted (junk CURRENT file: wiped on open): both tasks
      // restore their state from the changelog, from offset 0.
      rmSync(join(stateDir, groupId, "0"), { recursive: true, force: true });
      writeFileSync(join(stateDir, groupId, "1", "CURRENT"), "junk\n");
      await produceRows(kafka, input, slices[2]!, PARTITIONS);
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
      const got = (await readAll(kafka, topic, PARTITIONS)).map((ms) =>
        ms.map((m) => m.value?.toString() ?? ""),
      );
      assertSamePartitions(got, embeddedOutput(embedded, topic, PARTITIONS, lastTs), topic);
      assert.ok(got.flat().length > 10, "the window rule has outputs");
    } finally {
      rmSync(stateDir, { recursive: true, force: true });
    }
  },
  { timeout: 120_000 },
);

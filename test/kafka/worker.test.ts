// Kafka I/O stage tests: a worker over a real broker yields, per output partition, exactly what the
// embedded runner yields for the same input (a filter and a tumbling window), with bad records in
// the dead-letter topic; a second worker run (fresh memory state) restores from the changelogs.
import assert from "node:assert/strict";
import { HEADERS } from "../../src/kafka/serdes.ts";
import type { ProgramPlan } from "../../src/plan/plan.ts";
import { runEmbedded } from "../../src/runtime/embedded-runner.ts";
import { filterRule, paymentRows, payments, planOf, windowRule } from "../runtime/support/plans.ts";
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

const PARTITIONS = 3;

function testPlan(): ProgramPlan {
  const suffix = uniqueName("w");
  const rules = [filterRule(), windowRule("tumble", { kind: "tumbling", sizeMs: 10_000 })].map((r) => ({
    ...r,
    sink: { ...r.sink, topic: `${r.sink.topic}-${suffix}` },
  }));
  return planOf(rules, { ...payments, topic: `payments-${suffix}` });
}

const quiet = process.env["VIGIL_TEST_LOG"] ? undefined : () => undefined;

kafkaTest(
  "a worker's read_committed output equals the embedded run's, partition by partition",
  async (brokers) => {
    const kafka = testKafka(brokers);
    const plan = testPlan();
    const input = plan.streams[0]!.topic;
    const groupId = uniqueName("worker");
    await createInputTopic(kafka, input, PARTITIONS);

    const rows = paymentRows(11, 300);
    const firstHalf = rows.slice(0, 150);
    await produceRows(kafka, input, [...firstHalf, "{not json"], PARTITIONS);
    await runWorkerUntilCommitted(brokers, { plan, groupId, log: quiet });
    // A second worker (new process state: memory stores) restores the windows from the changelogs.
    const lastTs = rows[rows.length - 1]!["ts"] as number;
    const sentinels = sentinelRows(lastTs, PARTITIONS);
    await produceRows(kafka, input, [...rows.slice(150), ...sentinels], PARTITIONS);
    await runWorkerUntilCommitted(brokers, { plan, groupId, log: quiet });

    const embedded = await runEmbedded({
      plan,
      inputs: { records: { [plan.streams[0]!.name]: [...firstHalf, ...rows.slice(150), ...sentinels] } },
      partitions: PARTITIONS,
    });
    for (const rule of plan.rules) {
      const topic = rule.sink.topic;
      const got = (await readAll(kafka, topic, PARTITIONS)).map((ms) =>
        ms.map((m) => JSON.stringify(JSON.parse(m.value?.toString() ?? ""))),
      );
      assertSamePartitions(got, embeddedOutput(embedded, topic, PARTITIONS, lastTs), topic);
      assert.ok(got.flat().length > 20, `${topic} has outputs`);
    }
    const dead = (await readAll(kafka, `${groupId}-dead-letters`, PARTITIONS)).flat();
    assert.equal(dead.length, 1);
    assert.equal(dead[0]?.value?.toString(), "{not json");
    assert.equal(dead[0]?.headers?.[HEADERS.reason]?.toString(), "decode-error");
    assert.equal(dead[0]?.headers?.[HEADERS.sourceTopic]?.toString(), input);
  },
);

// Kafka I/O stage tests (issue 18): the fraud example's demo data through Kafka with nothing
// appended. A worker's input never ends, so the last windows and pending matches close only because
// the worker decides its quiet stream partitions are idle (`idle after`, here 1.5 s) and advances
// their watermarks to the wall clock; the re-keyed rules hear of it through the watermarks their
// repartition channels carry. The read_committed alerts are exactly the embedded replay's 237, task by
// task within each output partition, in the same order, and the dead letters are the same ones.
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Kafka } from "kafkajs";
import { DEFAULT_OPTIONS, generateInto } from "../../examples/fraud/generate.ts";
import type { Row } from "../../src/core/value.ts";
import { resolveConnection } from "../../src/kafka/connection.ts";
import { HEADERS } from "../../src/kafka/serdes.ts";
import { createWorker } from "../../src/kafka/worker.ts";
import { repartitionTopic } from "../../src/kafka/worker-layout.ts";
import { repartitionTopics } from "../../src/plan/segments.ts";
import { loadInputs } from "../../src/runtime/embedded-inputs.ts";
import { runEmbedded } from "../../src/runtime/embedded-runner.ts";
import { partitionForKey } from "../../src/runtime/partitioner.ts";
import { kafkaTest, testKafka, uniqueName } from "../support/kafka-env.ts";
import { byTaskLines, fraudPlan, line, lines, produceLog, readAll, waitDone } from "./support-fraud/fraud.ts";

const N = 2;
// The demo's data as `vigil replay examples/fraud` generates it (a clean checkout has none yet).
const DATA = mkdtempSync(join(tmpdir(), "vigil-fraud-idle-"));
generateInto(DATA, DEFAULT_OPTIONS);

/** Reads the sink until it holds `want` records (the idle decisions come a moment after the input). */
async function waitForAlerts(kafka: Kafka, topic: string, want: number): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if ((await readAll(kafka, topic, N)).flat().length >= want) return;
    await new Promise((ok) => setTimeout(ok, 200));
  }
}

kafkaTest(
  "the fraud demo through Kafka, nothing appended: quiet partitions go idle and the worker gives the replay's 237 alerts",
  async (brokers) => {
    const kafka = testKafka(brokers);
    const plan = fraudPlan(uniqueName("fraud-idle"));
    const inputs: Record<string, (string | Row)[]> = {};
    for (const name of ["payments", "activity", "cards", "customers"])
      inputs[name] = lines(join(DATA, `${name}.jsonl`));
    const embedded = await runEmbedded({ plan, inputs: { log: loadInputs(plan, { records: inputs }, N) } });
    assert.equal(embedded.canonical.length, 237, "the demo's alerts");

    const admin = kafka.admin();
    await admin.connect();
    const topics = [...plan.streams, ...plan.tables].map((d) => d.topic);
    await admin.createTopics({
      topics: topics.map((topic) => ({ topic, numPartitions: N })),
      waitForLeaders: true,
    });
    await admin.disconnect();
    await produceLog(kafka, plan, inputs, N);

    const groupId = uniqueName("fraud-idle-worker");
    const worker = createWorker({
      connection: resolveConnection({ brokers }, {}),
      groupId,
      plan,
      sessionTimeoutMs: 6_000,
      idleMs: 2_000,
      idleAfterMs: 1_500,
      log: process.env["VIGIL_TEST_LOG"] ? undefined : () => undefined,
    });
    await worker.start();
    const sink = plan.rules[0]!.sink.topic;
    const reparts = [...repartitionTopics(plan).keys()].map((t) => repartitionTopic(groupId, t));
    try {
      await waitDone(kafka, groupId, topics, reparts);
      await waitForAlerts(kafka, sink, embedded.canonical.length);
      await new Promise((ok) => setTimeout(ok, 3_000)); // anything beyond the 237 would show by now
    } finally {
      await worker.stop();
    }

    const want = byTaskLines(
      Object.entries(embedded.byTask).flatMap(([task, outs]) =>
        outs
          .filter((o) => o.topic === sink)
          .map((o) => ({
            task,
            partition: o.key === null ? 0 : partitionForKey(o.key, N),
            line: line(o.key, o.value),
          })),
      ),
    );
    const got = byTaskLines(
      (await readAll(kafka, sink, N)).flatMap((ms, partition) =>
        ms.map((m) => ({
          task: m.headers?.[HEADERS.task]?.toString() ?? "?",
          partition,
          line: line(m.key?.toString() ?? null, JSON.parse(m.value?.toString() ?? "null")),
        })),
      ),
    );
    const total = [...got.values()].reduce((a, b) => a + b.length, 0);
    assert.equal(total, 237, "alerts through Kafka");
    assert.deepEqual([...got.keys()].sort(), [...want.keys()].sort());
    for (const [k, w] of want) {
      const g = got.get(k) ?? [];
      const at = g.findIndex((x, i) => x !== w[i]);
      assert.ok(
        g.length === w.length && at < 0,
        `${k}: ${g.length} alerts, expected ${w.length}; first difference at ${at}: ${g[at]} vs ${w[at]}`,
      );
    }
    const dead = (await readAll(kafka, `${groupId}-dead-letters`, N)).flat();
    assert.equal(dead.length, embedded.deadLetters.length);
  },
  { timeout: 300_000 },
);

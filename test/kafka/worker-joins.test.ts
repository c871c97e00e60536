// Kafka I/O stage tests: a worker joins its group once per membership change. Before, kafkajs met
// every fetch of a topic created moments before (the broker answers "not the leader" for a few
// seconds) by rejoining the group: 39 joins in 1.4 s at the start of one worker, 138 with three.
// Sessions of 10 s here, so that no member is expelled for being slow on a loaded machine.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { resolveConnection } from "../../src/kafka/connection.ts";
import { createWorker, type Worker } from "../../src/kafka/worker.ts";
import { compileProgram } from "../../src/plan/compile.ts";
import { paymentRows } from "../runtime/support/plans.ts";
import { kafkaTest, testKafka, uniqueName } from "../support/kafka-env.ts";
import { createInputTopic, produceRows } from "../support/worker-fixture.ts";

const PARTITIONS = 4;
const sleep = (ms: number) => new Promise<void>((ok) => setTimeout(ok, ms));

kafkaTest(
  "one join at the start of a worker (its repartition topic just created), one per member added",
  async (brokers) => {
    const suffix = uniqueName("joins");
    const input = `joins-in-${suffix}`;
    const groupId = `g-${suffix}`;
    const kafka = testKafka(brokers);
    await createInputTopic(kafka, input, PARTITIONS);
    await produceRows(kafka, input, paymentRows(41, 400, 9), PARTITIONS);
    const dir = mkdtempSync(join(tmpdir(), "vigil-joins-"));
    const file = join(dir, "rules.vigil");
    writeFileSync(
      file,
      `stream payments from topic "${input}"
  key card
  format json
  schema { id: int, card: string, amount: float, ts: timestamp }
  event time ts

rule per_bucket
  from payments
  partition by id % 5
  window tumbling 1m
  aggregate count() as n
  emit final to "joins-out-${suffix}" { bucket: key_1, n }
`,
    );
    const plan = compileProgram([file]).plan!;
    const joins: number[] = [];
    const events: string[][] = [];
    const start = (i: number): Worker => {
      joins[i] = 0;
      events[i] = [];
      return createWorker({
        connection: resolveConnection({ brokers }, {}),
        groupId,
        plan,
        sessionTimeoutMs: 10_000,
        statusIntervalMs: 0,
        log: (event) => {
          events[i]!.push(event);
          if (event === "worker.assigned") joins[i]! += 1;
        },
      });
    };
    const workers: Worker[] = [];
    const admin = kafka.admin();
    await admin.connect();
    try {
      workers.push(start(0));
      await workers[0]!.start();
      const until = Date.now() + 60_000;
      for (;;) {
        const ends = await admin.fetchTopicOffsets(input);
        const offsets = await admin.fetchOffsets({ groupId, topics: [input] });
        const at = (p: number) => Number(offsets[0]?.partitions.find((x) => x.partition === p)?.offset ?? -1);
        if (ends.every((e) => Number(e.high) === 0 || at(e.partition) >= Number(e.high))) break;
        assert.ok(Date.now() < until, "the first worker never committed every partition");
        await sleep(200);
      }
      assert.equal(joins[0], 1, `one worker, one membership change: ${joins[0]} joins`);
      assert.ok(!events[0]!.includes("task.error"));

      workers.push(start(1), start(2));
      await Promise.all([workers[1]!.start(), workers[2]!.start()]);
      await sleep(3_000);
      // Two members added: at most two more joins each, whatever order they arrive in.
      assert.ok(joins[0]! <= 3, `first worker: ${joins[0]} joins`);
      assert.ok(joins[1]! <= 2 && joins[2]! <= 2, `added workers: ${joins[1]}, ${joins[2]} joins`);
      for (const e of events) assert.ok(!e.includes("task.error"), "no task error");
      console.log(`joins per worker: ${joins.join(", ")}`);
    } finally {
      for (const w of workers) await w.stop();
      await admin.disconnect();
      rmSync(dir, { recursive: true, force: true });
    }
  },
  { timeout: 120_000 },
);

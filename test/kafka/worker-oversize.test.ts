// Kafka I/O stage tests: an output record larger than its topic's max.message.bytes can never be
// written; the worker sends it to the dead-letter topic (reason record-too-large) in the same
// transaction as its offsets and carries on: the rest of the output is exactly the embedded run's,
// in sends bounded by the topic's limit (2 KB here, so each partition's batch takes a few records).
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Row } from "../../src/core/value.ts";
import { HEADERS } from "../../src/kafka/serdes.ts";
import { compileProgram } from "../../src/plan/compile.ts";
import { runEmbedded } from "../../src/runtime/embedded-runner.ts";
import { paymentRows } from "../runtime/support/plans.ts";
import { kafkaTest, testKafka, uniqueName } from "../support/kafka-env.ts";
import {
  assertSamePartitions,
  createInputTopic,
  embeddedOutput,
  produceRows,
  readAll,
  runWorkerUntilCommitted,
} from "../support/worker-fixture.ts";

const PARTITIONS = 3;
const BIG_ID = 77;
const LIMIT = 2048;

kafkaTest(
  "an output record over max.message.bytes becomes a record-too-large dead letter; the rest is exact",
  async (brokers) => {
    const kafka = testKafka(brokers);
    const suffix = uniqueName("big");
    const input = `notes-in-${suffix}`;
    const out = `notes-out-${suffix}`;
    const groupId = `g-${suffix}`;
    await createInputTopic(kafka, input, PARTITIONS);
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      topics: [
        {
          topic: out,
          numPartitions: PARTITIONS,
          configEntries: [{ name: "max.message.bytes", value: String(LIMIT) }],
        },
      ],
      waitForLeaders: true,
    });
    await admin.disconnect();
    const dir = mkdtempSync(join(tmpdir(), "vigil-oversize-"));
    try {
      const file = join(dir, "rules.vigil");
      writeFileSync(
        file,
        `stream payments from topic "${input}"
  key card
  format json
  schema { id: int, card: string, amount: float, ts: timestamp, note: string }
  event time ts

rule notes
  from payments
  where amount >= 0
  emit to "${out}" { id, card, note }
`,
      );
      const plan = compileProgram([file]).plan!;
      const rows: Row[] = paymentRows(23, 300, 8).map((r) => ({
        ...r,
        note: r["id"] === BIG_ID ? "x".repeat(5000) : `note ${r["id"]}`,
      }));
      await produceRows(kafka, input, rows, PARTITIONS);
      const events: string[] = [];
      await runWorkerUntilCommitted(brokers, { plan, groupId, log: (event) => events.push(event) });

      const embedded = await runEmbedded({
        plan,
        inputs: { records: { payments: rows } },
        partitions: PARTITIONS,
      });
      const want = embeddedOutput(embedded, out, PARTITIONS, Number.POSITIVE_INFINITY).map((p) =>
        p.filter((v) => JSON.parse(v)["id"] !== BIG_ID),
      );
      assert.equal(want.flat().length, rows.length - 1);
      const got = (await readAll(kafka, out, PARTITIONS)).map((ms) =>
        ms.map((m) => m.value?.toString() ?? ""),
      );
      assertSamePartitions(got, want, out);

      const dead = (await readAll(kafka, `${groupId}-dead-letters`, PARTITIONS)).flat();
      assert.equal(dead.length, 1, "one dead letter");
      const h = (name: string) => dead[0]!.headers?.[name]?.toString();
      assert.equal(h(HEADERS.reason), "record-too-large");
      assert.equal(h(HEADERS.dlqRule), "notes");
      assert.equal(h(HEADERS.sourceTopic), input);
      assert.match(h(HEADERS.error) ?? "", new RegExp(`over its max.message.bytes \\(${LIMIT}\\)`));
      assert.match(dead[0]!.value?.toString() ?? "", new RegExp(`^\\{"id":${BIG_ID},`));
      assert.ok(events.includes("task.record-too-large"));
      assert.ok(!events.includes("task.aborted"), "no transaction aborted");
      assert.ok(!events.includes("task.error"), "no task error");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

// Kafka I/O stage tests (issue 5, test 1): the fraud example through Kafka. The example's generated
// data (small) goes to the input topics; one worker runs every rule of examples/fraud/rules.vigil,
// two of which re-key (repartition topics); its read_committed alerts equal the embedded run's,
// task by task within each output partition, in the same order.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_OPTIONS, generateInto } from "../../examples/fraud/generate.ts";
import type { OutputRecord } from "../../src/core/record.ts";
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
const DAY = 86_400_000;

/** The first `${prefix}<i>` whose key lands on partition p. */
function keyOn(prefix: string, p: number, skip = 0): string {
  let seen = 0;
  for (let i = 0; ; i++) {
    if (partitionForKey(`${prefix}${i}`, N) === p && seen++ === skip) return `${prefix}${i}`;
  }
}

/**
 * Far-future records that push every watermark (each input partition, each repartition channel
 * `upstream u -> downstream d`) past the data, since a worker's input never ends.
 */
function sentinels(ts: number): { payments: Row[]; activity: Row[] } {
  const payments: Row[] = [];
  const activity: Row[] = [];
  for (let u = 0; u < N; u++) {
    for (let d = 0; d < N; d++) {
      const i = u * N + d;
      payments.push({
        payment_id: `zz-p${i}`,
        card_id: keyOn("zz-card-", u, d),
        customer_id: `zz-c${i}`,
        amount: 1,
        currency: "EUR",
        country: "FR",
        merchant: "zz-m",
        merchant_category: "grocery",
        lat: 48,
        lon: 2,
        device_id: keyOn("zz-dev-", d, u),
        ts: ts + i,
      });
      activity.push({
        event_id: `zz-a${i}`,
        customer_id: keyOn("zz-cust-", u, d),
        kind: "cashout",
        amount: 1,
        account: keyOn("zz-acc-", d, u),
        ts: ts + i,
      });
    }
  }
  return { payments, activity };
}

kafkaTest(
  "the fraud example through Kafka (re-keying rules included) yields the embedded run's alerts",
  async (brokers) => {
    const kafka = testKafka(brokers);
    const suffix = uniqueName("fraud");
    const plan = fraudPlan(suffix);
    const dir = mkdtempSync(join(tmpdir(), "vigil-fraud-kafka-"));
    try {
      generateInto(dir, { ...DEFAULT_OPTIONS, customers: 150, days: 2 });
      const payments = lines(join(dir, "payments.jsonl"));
      const lastTs = Math.max(...payments.map((l) => Number(/"ts":(\d+)/.exec(l)?.[1] ?? 0)));
      const cutoff = lastTs + 30 * DAY;
      const late = sentinels(cutoff);
      const inputs: Record<string, (string | Row)[]> = {
        payments: [...payments, ...late.payments],
        activity: [...lines(join(dir, "activity.jsonl")), ...late.activity],
        cards: lines(join(dir, "cards.jsonl")),
        customers: lines(join(dir, "customers.jsonl")),
      };
      const admin = kafka.admin();
      await admin.connect();
      const topics = [...plan.streams, ...plan.tables].map((d) => d.topic);
      await admin.createTopics({
        topics: topics.map((topic) => ({ topic, numPartitions: N })),
        waitForLeaders: true,
      });
      await admin.disconnect();
      await produceLog(kafka, plan, inputs, N);

      const groupId = uniqueName("fraud-worker");
      const worker = createWorker({
        connection: resolveConnection({ brokers }, {}),
        groupId,
        plan,
        sessionTimeoutMs: 6_000,
        // Long enough that a channel waiting for its upstream task's next commit is not skipped.
        idleMs: 2_000,
        log: process.env["VIGIL_TEST_LOG"] ? undefined : () => undefined,
      });
      const started = performance.now();
      await worker.start();
      const reparts = [...repartitionTopics(plan).keys()].map((t) => repartitionTopic(groupId, t));
      try {
        await waitDone(kafka, groupId, topics, reparts);
      } finally {
        await worker.stop();
      }
      const workerMs = Math.round(performance.now() - started);

      const embedded = await runEmbedded({ plan, inputs: { log: loadInputs(plan, { records: inputs }, N) } });
      const sink = plan.rules[0]!.sink.topic;
      const keep = (o: OutputRecord) => o.topic === sink && o.timestamp < cutoff;
      const want = byTaskLines(
        Object.entries(embedded.byTask).flatMap(([task, outs]) =>
          outs.filter(keep).map((o) => ({
            task,
            partition: o.key === null ? 0 : partitionForKey(o.key, N),
            line: line(o.key, o.value),
          })),
        ),
      );
      const got = byTaskLines(
        (await readAll(kafka, sink, N)).flatMap((ms, partition) =>
          ms
            .filter((m) => Number(m.timestamp) < cutoff)
            .map((m) => ({
              task: m.headers?.[HEADERS.task]?.toString() ?? "?",
              partition,
              line: line(m.key?.toString() ?? null, JSON.parse(m.value?.toString() ?? "null")),
            })),
        ),
      );
      const total = [...want.values()].reduce((a, b) => a + b.length, 0);
      const rules = new Set(embedded.canonical.filter(keep).map((o) => o.rule));
      assert.ok(total >= 20, `only ${total} alerts`);
      assert.ok(
        rules.has("device_many_cards") || rules.has("mule_chain"),
        `re-keying rules alert: ${[...rules]}`,
      );
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
      if (process.env["VIGIL_TEST_LOG"])
        console.log(`fraud via Kafka: ${total} alerts, ${[...rules].join(",")}; worker ${workerMs} ms`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
  { timeout: 120_000 },
);

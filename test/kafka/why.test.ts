// `vigil why` (issue 17): the fraud example's card_testing rule runs as a Kafka worker over the
// example's generated payments; for an alert read back from the output topic, `vigil why` lists
// exactly the input events of that match: the small payments and the big one of the alert's card,
// as many as the alert counts, with the amounts and times the alert reports. A low --limit caps it
// and says so.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { DEFAULT_OPTIONS, generateInto } from "../../examples/fraud/generate.ts";
import type { Row } from "../../src/core/value.ts";
import { compileProgram } from "../../src/plan/compile.ts";
import type { ProgramPlan } from "../../src/plan/plan.ts";
import { partitionForKey } from "../../src/runtime/partitioner.ts";
import { kafkaTest, testKafka, uniqueName } from "../support/kafka-env.ts";
import { readAll, runWorkerUntilCommitted } from "../support/worker-fixture.ts";

const N = 2;
const ROOT = resolve(fileURLToPath(import.meta.url), "../../..");
const RULE = join(ROOT, "dsl/lib/fraud/card_testing.vigil");
const VIGIL = join(ROOT, "bin/vigil.mjs");

function cardTestingPlan(suffix: string): ProgramPlan {
  const r = compileProgram([RULE]);
  if (!r.plan) throw new Error("card_testing does not compile");
  return {
    ...r.plan,
    streams: r.plan.streams.map((s) => ({ ...s, topic: `${s.topic}-${suffix}` })),
    tables: r.plan.tables.map((t) => ({ ...t, topic: `${t.topic}-${suffix}` })),
    rules: r.plan.rules.map((rule) => ({
      ...rule,
      sink: { ...rule.sink, topic: `${rule.sink.topic}-${suffix}` },
    })),
  };
}

interface WhyJson {
  rule: string;
  total: number;
  capped: boolean;
  events: { topic: string; partition: number; offset: number; key: string; value: string }[];
}

function why(brokers: string[], args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [VIGIL, "why", ...args, "--brokers", brokers.join(",")], {
    encoding: "utf8",
    timeout: 120_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

kafkaTest(
  "vigil why on a card_testing alert of the fraud example lists exactly the input events of its match",
  async (brokers) => {
    const kafka = testKafka(brokers);
    const suffix = uniqueName("why");
    const plan = cardTestingPlan(suffix);
    const payments = plan.streams.find((s) => s.name === "payments")!.topic;
    const dir = mkdtempSync(join(tmpdir(), "vigil-why-"));
    try {
      generateInto(dir, { ...DEFAULT_OPTIONS, customers: 150, days: 2 });
      // The example holds a few malformed lines on purpose: they go in as they are (dead letters).
      const lines = readFileSync(join(dir, "payments.jsonl"), "utf8")
        .split("\n")
        .filter((l) => l.length > 0);
      const parse = (l: string): Row | string => {
        try {
          return JSON.parse(l) as Row;
        } catch {
          return l;
        }
      };
      const all = lines.map(parse);
      const rows = all.filter((r): r is Row => typeof r !== "string");
      const lastTs = Math.max(...rows.map((r) => Number(r["ts"])));
      // One far-future payment per partition moves every watermark past the data.
      for (let p = 0, i = 0; p < N; i++) {
        if (partitionForKey(`zz-card-${i}`, N) !== p) continue;
        rows.push({
          ...rows[0]!,
          payment_id: `zz-${p}`,
          card_id: `zz-card-${i}`,
          amount: 1,
          ts: lastTs + 86_400_000,
        });
        p++;
      }
      const admin = kafka.admin();
      await admin.connect();
      const topics = [...plan.streams, ...plan.tables].map((d) => d.topic);
      await admin.createTopics({
        topics: topics.map((topic) => ({ topic, numPartitions: N })),
        waitForLeaders: true,
      });
      await admin.disconnect();
      const producer = kafka.producer();
      await producer.connect();
      const messages = all.map((r) => {
        if (typeof r === "string") return { key: null, value: r, partition: 0, timestamp: "0" };
        const key = String(r["card_id"]);
        return {
          key,
          value: JSON.stringify(r),
          partition: partitionForKey(key, N),
          timestamp: String(r["ts"]),
        };
      });
      for (let i = 0; i < messages.length; i += 2000) {
        await producer.send({ topic: payments, messages: messages.slice(i, i + 2000), acks: -1 });
      }
      await producer.disconnect();
      await runWorkerUntilCommitted(brokers, {
        plan,
        groupId: uniqueName("why-group"),
        log: () => undefined,
      });

      const alertsTopic = plan.rules[0]!.sink.topic;
      const alerts = (await readAll(kafka, alertsTopic, N)).flatMap((ms, partition) =>
        ms.map((m) => ({
          partition,
          offset: Number(m.offset),
          value: JSON.parse(m.value!.toString()) as Row,
        })),
      );
      assert.ok(alerts.length > 0, "the example's data has card_testing alerts");
      const alert = alerts.find((a) => Number(a.value["small_count"]) >= 3)!;

      const r = why(brokers, [alertsTopic, String(alert.partition), String(alert.offset), "--json"]);
      assert.equal(r.code, 0, r.stderr);
      const got = JSON.parse(r.stdout) as WhyJson;
      assert.equal(got.rule, "card_testing");
      const v = alert.value;
      const events = got.events.map((e) => ({ ...e, row: JSON.parse(e.value) as Row }));
      assert.equal(got.total, Number(v["small_count"]) + 1, "the small payments and the big one");
      assert.equal(events.length, got.total);
      assert.equal(got.capped, false);
      assert.ok(
        events.every(
          (e) => e.topic === payments && e.key === v["card_id"] && e.row["card_id"] === v["card_id"],
        ),
      );
      const smalls = events.slice(0, -1).map((e) => e.row);
      const big = events.at(-1)!.row;
      assert.ok(
        smalls.every((s) => Number(s["amount"]) < 2.0),
        "every small payment is below the threshold",
      );
      assert.equal(big["amount"], v["big_amount"]);
      assert.equal(big["ts"], v["at"]);
      assert.equal(smalls[0]!["ts"], v["first_small_at"]);
      const total = smalls.reduce((s, x) => s + Number(x["amount"]), 0);
      assert.ok(
        Math.abs(total - Number(v["small_total"])) < 1e-9,
        "the small amounts add up to the alert's total",
      );
      // The events are the input records at those coordinates, in offset order within the partition.
      const offsets = events.map((e) => e.offset);
      assert.deepEqual(
        offsets,
        [...offsets].sort((a, b) => a - b),
      );

      const capped = why(brokers, [
        alertsTopic,
        String(alert.partition),
        String(alert.offset),
        "--limit",
        "2",
      ]);
      assert.equal(capped.code, 0, capped.stderr);
      assert.match(capped.stdout, /^evidence: \d+ input events:$/m);
      assert.equal(capped.stdout.split("\n").filter((l) => l.startsWith(`  ${payments}/`)).length, 2);
      assert.match(
        capped.stdout,
        new RegExp(`capped: showing 2 of ${got.total} input events \\(--limit 2\\)`),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
  { timeout: 240_000 },
);

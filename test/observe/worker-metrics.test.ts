// Observe tests (issue 17): a worker's /metrics scraped during a real Kafka run: records in equal the
// input count, lag falls to 0 after catch-up, commit and restore metrics move, dead letters count by
// reason, and no label carries a record key; /readyz is false while a task restores, true after.
import assert from "node:assert/strict";
import { runEmbedded } from "../../src/runtime/embedded-runner.ts";
import { kafkaTest, testKafka, uniqueName } from "../support/kafka-env.ts";
import { createInputTopic, produceRows, sentinelRows } from "../support/worker-fixture.ts";
import { getText, parseMetrics, rows, type Sample, sleep, sum, withWorker, writeProgram } from "./support.ts";

const PARTITIONS = 3;
/** The worker's log, kept to explain a failure. */
const events: string[] = [];
const quiet = (event: string, fields?: Record<string, unknown>) => {
  if (!/task\.(committed|restoring)/.test(event)) events.push(`${event} ${JSON.stringify(fields)}`);
};

async function scrape(url: string): Promise<Sample[]> {
  const { status, text } = await getText(`${url}/metrics`);
  assert.equal(status, 200);
  return parseMetrics(text);
}

/** Scrapes until `done` holds (or fails after 60 s with the last scrape). */
async function scrapeUntil(url: string, done: (s: Sample[]) => boolean): Promise<Sample[]> {
  let last: Sample[] = [];
  for (let i = 0; i < 600; i++) {
    last = await scrape(url);
    if (done(last)) return last;
    await sleep(100);
  }
  const vigil = last.filter((s) => s.name.startsWith("vigil_") && !s.name.includes("_bucket"));
  throw new Error(
    `metrics never reached the expected state:\n${JSON.stringify(vigil)}\n${events.join("\n")}`,
  );
}

kafkaTest(
  "/metrics during a Kafka run: records in = input, lag to 0, commits and restores counted, no key in a label",
  async (brokers) => {
    const kafka = testKafka(brokers);
    const program = writeProgram();
    const { plan, input } = program;
    const groupId = uniqueName("obs-metrics");
    await createInputTopic(kafka, input, PARTITIONS);
    // Many cards: the restore of the second run has thousands of changelog records to read.
    const data = rows(6000, 3000);
    const lastTs = data[data.length - 1]!["ts"] as number;
    const first = [...data, "{not json"];
    await produceRows(kafka, input, first, PARTITIONS);
    const keys = new Set(first.flatMap((r) => (typeof r === "string" ? [] : [String(r["card"])])));

    const embedded = await runEmbedded({
      plan,
      inputs: { records: { payments: first } },
      partitions: PARTITIONS,
    });
    const alerts = (rule: string) => embedded.outputs.filter((o) => o.rule === rule).length;

    await withWorker(brokers, plan, groupId, { log: quiet }, async (url) => {
      const s = await scrapeUntil(
        url,
        (m) =>
          sum(m, "vigil_records_in_total") === first.length &&
          m.filter((x) => x.name === "vigil_consumer_lag").length === PARTITIONS &&
          sum(m, "vigil_consumer_lag") === 0,
      );
      assert.equal(sum(s, "vigil_records_in_total"), first.length, "records in = input count");
      for (let p = 0; p < PARTITIONS; p++) {
        assert.equal(sum(s, "vigil_consumer_lag", { topic: input, partition: String(p) }), 0, `lag of ${p}`);
      }
      assert.ok(sum(s, "vigil_transactions_total", { outcome: "committed" }) > 0, "transactions committed");
      assert.ok(sum(s, "vigil_commit_duration_seconds_count") > 0, "commit durations observed");
      assert.equal(sum(s, "vigil_dead_letters_total", { reason: "decode-error" }), 1);
      assert.equal(sum(s, "vigil_rule_records_out_total", { rule: "big" }), alerts("big"));
      assert.ok(alerts("big") > 100);
      assert.ok(sum(s, "vigil_state_store_entries", { store: "daily.window-aggregate" }) > 1000);
      assert.ok(sum(s, "vigil_pattern_partial_matches", { rule: "burst" }) > 0);
      assert.equal(sum(s, "vigil_restore_records_total"), 0, "a fresh group restores nothing");
      assert.equal(sum(s, "vigil_ready"), 1);
      const bad = s.flatMap((x) =>
        Object.values(x.labels)
          .filter((v) => keys.has(v))
          .map((v) => `${x.name} ${v}`),
      );
      assert.deepEqual(bad, [], "no label carries a record key");
    });

    // A second worker (memory state): every task restores its stores from the changelogs first.
    await produceRows(kafka, input, sentinelRows(lastTs + 1000, PARTITIONS), PARTITIONS);
    await withWorker(brokers, plan, groupId, { log: quiet }, async (url) => {
      const seen: { ready: boolean; restoring: string[] }[] = [];
      for (let i = 0; i < 3000; i++) {
        const r = await getText(`${url}/readyz`);
        const body = JSON.parse(r.text) as { ready: boolean; restoring: string[] };
        assert.equal(r.status, body.ready ? 200 : 503);
        seen.push(body);
        if (body.ready && seen.some((x) => x.restoring.length > 0)) break;
        await sleep(5);
      }
      assert.ok(
        seen.some((x) => !x.ready && x.restoring.length > 0),
        "/readyz answered not ready while a task restored",
      );
      assert.ok(
        seen.every((x) => !(x.ready && x.restoring.length > 0)),
        "never ready while restoring",
      );
      assert.equal(seen.at(-1)?.ready, true, "/readyz ready after the restore");
      const s = await scrapeUntil(url, (m) => sum(m, "vigil_records_in_total") === PARTITIONS);
      assert.ok(sum(s, "vigil_restore_records_total") > 3000, "restored records counted");
      assert.equal(sum(s, "vigil_restore_remaining_records"), 0);
      const status = JSON.parse((await getText(`${url}/status`)).text) as {
        group: string;
        tasks: { id: string; state: string; restored: number }[];
      };
      assert.equal(status.group, groupId);
      assert.deepEqual(
        status.tasks.map((t) => [t.id, t.state]),
        [...Array(PARTITIONS).keys()].map((p) => [String(p), "running"]),
      );
      assert.ok(status.tasks.every((t) => t.restored > 0));
    });
  },
  { timeout: 240_000 },
);

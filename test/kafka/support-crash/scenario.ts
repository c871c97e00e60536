// Crash-test support: the scenario shared by the crash and rebalance tests. Rules with a filter, a
// window, a pattern, an assertion (operator errors are dead letters), a re-keyed window and a re-keyed
// pattern (order-sensitive across the repartition channels: each bucket mixes every input partition); poison records; input on N partitions. After the test's kills, one clean worker
// runs to the end and the read_committed output must equal the embedded run's, partition by partition.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Admin, Kafka, KafkaMessage } from "kafkajs";
import type { Row } from "../../../src/core/value.ts";
import { readPartitions } from "../../../src/kafka/partition-reader.ts";
import { HEADERS } from "../../../src/kafka/serdes.ts";
import { changelogTopic } from "../../../src/kafka/worker.ts";
import { compileProgram } from "../../../src/plan/compile.ts";
import { runEmbedded } from "../../../src/runtime/embedded-runner.ts";
import { partitionForKey } from "../../../src/runtime/partitioner.ts";
import { TASK_STORE } from "../../../src/runtime/task.ts";
import { paymentRows } from "../../runtime/support/plans.ts";
import { testKafka, uniqueName } from "../../support/kafka-env.ts";
import { highWatermarks } from "../../support/kafka-offsets.ts";
import { assertSamePartitions } from "../../support/worker-fixture.ts";
import { joined, sleep, startWorker } from "./worker-process.ts";

export const CHAOS = process.env["VIGIL_CHAOS"] === "1";
const BUCKETS = 7;
const NEGATIVE_ID = 9_000_000;
const ASSERT_MESSAGE = "amount must not be negative";

interface Topics {
  readonly big: string;
  readonly tumble: string;
  readonly burst: string;
  readonly audit: string;
  readonly buckets: string;
  readonly bucketBurst: string;
}

function rules(input: string, t: Topics): string {
  return `stream payments from topic "${input}"
  key card
  format json
  schema { id: int, card: string, amount: float, ts: timestamp }
  event time ts, lateness 1s

rule big
  from payments
  where amount > 100
  emit to "${t.big}" { id, card, amount }

rule tumble
  from payments
  partition by card
  window tumbling 10s
  aggregate count() as n, sum(amount) as total
  emit final to "${t.tumble}" { card, n, total, start: window_start }

rule burst
  from payments
  partition by card
  match small: amount < 60 -> large: amount > 200
  within 10s
  emit to "${t.burst}" { card: large.card, small_id: small.id, large_id: large.id, at: large.ts }

rule audit
  from payments
  where assert_true(amount >= 0, "${ASSERT_MESSAGE}")
  emit to "${t.audit}" { id }

rule buckets
  from payments
  partition by id % ${BUCKETS}
  window tumbling 1m
  aggregate count() as n, sum(id) as ids, max(amount) as top
  emit final to "${t.buckets}" { bucket: key_1, n, ids, top, start: window_start }

rule bucket_burst
  from payments
  partition by id % ${BUCKETS}
  match small: amount < 60 -> large: amount > 200
  within 10s
  emit to "${t.bucketBurst}" { small_id: small.id, large_id: large.id, at: large.ts }
`;
}

export interface ScenarioOptions {
  readonly partitions: number;
  readonly records: number;
  readonly cards: number;
  /**
   * Share of the input (its tail) produced only when `drive` calls `produceRest()` (or after it):
   * lets a test add a worker while input is guaranteed still to come on every partition.
   */
  readonly holdBack?: number;
}

export interface Scenario {
  readonly kafka: Kafka;
  readonly admin: Admin;
  readonly brokers: string[];
  readonly file: string;
  readonly input: string;
  readonly group: string;
  readonly partitions: number;
  /** End offset of each input partition. */
  readonly ends: readonly number[];
  /** Input records in all (the sum of `ends`). */
  readonly total: number;
  /** A fresh RocksDB root (one per simulated machine), removed after the test. */
  stateDir(): string;
  /** Produces the held-back tail of the input (once; later calls do nothing). */
  produceRest(): Promise<void>;
}

type Input = Row | string;

/**
 * The input: payments, poison (bad JSON, a wrong type, missing fields, a negative amount that breaks
 * the audit assertion), then far-future sentinels: on every partition, one per bucket, so every task
 * and every repartition channel sees event time move past the data.
 */
function inputRecords(opts: ScenarioOptions): { all: Input[]; lastTs: number } {
  const rows: Input[] = paymentRows(5, opts.records, opts.cards);
  const mid = rows[299] as Row;
  rows.splice(
    300,
    0,
    "{bad json",
    { id: "x", card: "c1", amount: 5, ts: 1_300_000 },
    { card: "c2" },
    { id: NEGATIVE_ID, card: "c1", amount: -5, ts: mid["ts"] as number },
  );
  const lastTs = (rows[rows.length - 1] as Row)["ts"] as number;
  const sentinels: Row[] = [];
  for (let p = 0; p < opts.partitions; p++) {
    let i = 0;
    while (partitionForKey(`zz${i}`, opts.partitions) !== p) i++;
    for (let b = 0; b < BUCKETS; b++) {
      sentinels.push({
        id: 1_000_000_000 + p * BUCKETS + b,
        card: `zz${i}`,
        amount: 0,
        ts: lastTs + 86_400_000,
      });
    }
  }
  return { all: [...rows, ...sentinels], lastTs };
}

async function produce(
  kafka: Kafka,
  topic: string,
  all: readonly Input[],
  partitions: number,
): Promise<void> {
  // Idempotent: a retried send on the busy shared broker must not write a batch twice.
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  // Several sends, so fetches (and transactions) come in several batches per partition.
  for (let i = 0; i < all.length; i += 500) {
    const messages = all.slice(i, i + 500).map((r) =>
      typeof r === "string"
        ? { key: null, value: r, partition: 0, timestamp: "1000000" }
        : {
            key: String(r["card"]),
            value: JSON.stringify(r),
            partition: partitionForKey(String(r["card"]), partitions),
            timestamp: String(r["ts"] ?? 1_000_000),
          },
    );
    await producer.send({ topic, messages, acks: -1 });
  }
  await producer.disconnect();
}

async function readAll(kafka: Kafka, admin: Admin, topic: string): Promise<KafkaMessage[][]> {
  const count = (await admin.fetchTopicOffsets(topic)).length;
  const out: KafkaMessage[][] = Array.from({ length: count }, () => []);
  const parts = out.map((_, partition) => ({ topic, partition, from: 0 }));
  await readPartitions(kafka, parts, (p, ms) => {
    out[p.partition]!.push(...ms);
  });
  return out;
}

async function committed(s: Scenario): Promise<boolean> {
  const offsets = await s.admin.fetchOffsets({ groupId: s.group, topics: [s.input] });
  const at = (p: number) => Number(offsets[0]?.partitions.find((x) => x.partition === p)?.offset ?? -1);
  return s.ends.every((end, p) => at(p) >= end);
}

/**
 * Sets up topics and input, runs `drive` (the kills; it may name the state folder of the last worker),
 * then one worker to the end, and checks the output.
 */
export async function runScenario(
  brokers: string[],
  opts: ScenarioOptions,
  drive: (s: Scenario) => Promise<string | undefined>,
): Promise<void> {
  const kafka = testKafka(brokers);
  // pid-based names repeat when a pid is reused across runs on the shared broker: add the time.
  const suffix = `${uniqueName("crash")}-${Date.now().toString(36)}`;
  const topics: Topics = {
    big: `big-${suffix}`,
    tumble: `tumble-${suffix}`,
    burst: `burst-${suffix}`,
    audit: `audit-${suffix}`,
    buckets: `buckets-${suffix}`,
    bucketBurst: `bucket-burst-${suffix}`,
  };
  const input = `in-${suffix}`;
  const group = `g-${suffix}`;
  const dir = mkdtempSync(join(tmpdir(), "vigil-crash-"));
  const file = join(dir, "rules.vigil");
  writeFileSync(file, rules(input, topics));
  const admin = kafka.admin();
  await admin.connect();
  try {
    const created = await admin.createTopics({
      topics: [input, ...Object.values(topics)].map((topic) => ({ topic, numPartitions: opts.partitions })),
      waitForLeaders: true,
    });
    assert.ok(created, "fresh topics");
    const { all, lastTs } = inputRecords(opts);
    const split = all.length - Math.floor(all.length * (opts.holdBack ?? 0));
    await produce(kafka, input, all.slice(0, split), opts.partitions);
    let rest: Promise<void> | null = null;
    const produceRest = () => (rest ??= produce(kafka, input, all.slice(split), opts.partitions));
    // The idempotent, non-transactional producer writes one offset per record: the ends are counts.
    const ends = Array.from({ length: opts.partitions }, () => 0);
    for (const r of all)
      ends[typeof r === "string" ? 0 : partitionForKey(String(r["card"]), opts.partitions)]!++;
    let machines = 0;
    const s: Scenario = {
      kafka,
      admin,
      brokers,
      file,
      input,
      group,
      partitions: opts.partitions,
      ends,
      total: ends.reduce((a, b) => a + b, 0),
      stateDir: () => join(dir, `machine-${machines++}`),
      produceRest,
    };
    assert.equal(s.total, all.length);
    const lastStateDir = (await drive(s)) ?? s.stateDir();
    await produceRest();
    const written = (await admin.fetchTopicOffsets(input))
      .sort((a, b) => a.partition - b.partition)
      .map((o) => Number(o.high));
    assert.deepEqual(written, ends, "every input record written exactly once");
    await finishAndCheck(s, topics, all, lastTs, lastStateDir);
  } finally {
    await admin.disconnect();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function finishAndCheck(
  s: Scenario,
  topics: Topics,
  all: readonly Input[],
  lastTs: number,
  stateDir: string,
) {
  const { kafka, admin } = s;
  const plan = compileProgram([s.file]).plan!;
  const embedded = await runEmbedded({
    plan,
    inputs: { records: { payments: all } },
    partitions: s.partitions,
  });
  // Windows of the sentinels never close on Kafka (nothing comes after them): left out.
  const want = (topic: string) =>
    (embedded.byPartition[topic] ?? []).map((os) =>
      os
        .filter((o) => !(Number(o.value["start"]) >= lastTs + 80_000_000))
        .map((o) => JSON.stringify(o.value)),
    );
  const bucketCount = want(topics.buckets).flat().length;
  const bucketBurstCount = want(topics.bucketBurst).flat().length;

  // The last worker runs until the input is committed and the re-keyed window and pattern (downstream
  // of the repartition topics) have emitted everything; whatever came before must not show in the output.
  const last = startWorker({ file: s.file, brokers: s.brokers, group: s.group, stateDir });
  await joined(last);
  const until = Date.now() + (CHAOS ? 600_000 : 120_000);
  // Only the data's windows count: an idle decision may close the sentinels' windows first.
  const isData = (m: { value: Buffer | null }) =>
    Number(JSON.parse(m.value?.toString() ?? "{}")["start"]) < lastTs + 80_000_000;
  while (Date.now() < until) {
    if (await committed(s)) {
      const got = (await readAll(kafka, admin, topics.buckets)).flat().filter(isData).length;
      const matches = (await readAll(kafka, admin, topics.bucketBurst)).flat().length;
      if (got >= bucketCount && matches >= bucketBurstCount) break;
    }
    await sleep(300);
  }
  await checkIdleWritesNothing(s);
  last.kill("SIGTERM");
  const exit = await last.exited;
  assert.equal(exit.code, 0, exit.stderr.slice(-2000));
  assert.ok(await committed(s), "every input record committed");

  const outputs: Record<string, string[][]> = {};
  for (const topic of Object.values(topics)) {
    const got = (await readAll(kafka, admin, topic)).map((ms) => ms.map((m) => m.value?.toString() ?? ""));
    outputs[topic] = got;
    // The sentinels' own windows are left out on both sides: the worker closes them too once its
    // partitions go idle (`idle after`), the embedded run at the end of its input.
    const data = got.map((ms) => ms.filter((v) => !(Number(JSON.parse(v)["start"]) >= lastTs + 80_000_000)));
    assertSamePartitions(data, want(topic), topic);
    assert.ok(got.flat().length > 20, `${topic} has outputs`);
  }
  const dead = (await readAll(kafka, admin, `${s.group}-dead-letters`)).flat();
  const reasons = dead.map((m) => `${m.headers?.[HEADERS.reason]?.toString()} ${m.value?.toString()}`);
  assert.deepEqual(reasons.sort(), embedded.deadLetters.map((d) => `${d.reason} ${d.raw}`).sort());
  assert.equal(dead.length, 4, reasons.join("\n"));
  checkAudit(outputs[topics.audit]!.flat(), dead, all);

  // No transaction left open: the last stable offset equals the high watermark everywhere.
  for (const topic of [...Object.values(topics), `${s.group}-dead-letters`, s.input]) {
    const stable = (await admin.fetchTopicOffsets(topic)).map((o) => `${o.partition}:${o.high}`).sort();
    assert.deepEqual(
      stable,
      (await highWatermarks(s.brokers, topic)).sort(),
      `${topic}: hanging transaction`,
    );
  }
}

/**
 * Once everything is processed, the idle ticks (every 500 ms for the tasks reading several
 * partitions) write nothing: no transaction, so no changelog record of the task's watermarks.
 */
async function checkIdleWritesNothing(s: Scenario): Promise<void> {
  // Task groups 1 and 2 (the re-keyed window's and pattern's tasks) read the channels of their
  // repartition topics.
  const topics = [1, 2].map((g) => changelogTopic(`${s.group}-g${g}`, TASK_STORE));
  const ends = async () => {
    const out: string[] = [];
    for (const topic of topics)
      for (const o of await s.admin.fetchTopicOffsets(topic)) out.push(`${topic}:${o.partition}:${o.high}`);
    return out.sort();
  };
  // The last watermark-only records of the channels may still be on their way (they move the
  // watermark once everything was emitted): wait until the changelog has been still for a second.
  let before = await ends();
  for (let i = 0; i < 20; i++) {
    await sleep(1_000);
    const now = await ends();
    if (JSON.stringify(now) === JSON.stringify(before)) break;
    before = now;
  }
  await sleep(2_000);
  assert.deepEqual(await ends(), before, "idle ticks wrote transactions");
}

/**
 * The assertion that throws: its record is an operator-error dead letter with the message, and the
 * audit outputs plus the dead letters account for every input record, once each.
 */
function checkAudit(audit: readonly string[], dead: readonly KafkaMessage[], all: readonly Input[]): void {
  const thrown = dead.filter((m) => m.headers?.[HEADERS.reason]?.toString() === "operator-error");
  assert.equal(thrown.length, 1, "one operator-error dead letter");
  const letter = thrown[0]!;
  // Its value is the record in flight (the rule's environment) as JSON.
  assert.match(letter.value?.toString() ?? "", new RegExp(`"id":${NEGATIVE_ID}\\b`));
  assert.equal(letter.headers?.[HEADERS.dlqRule]?.toString(), "audit");
  assert.match(letter.headers?.[HEADERS.error]?.toString() ?? "", new RegExp(ASSERT_MESSAGE));
  assert.equal(audit.length + dead.length, all.length, "audit outputs + dead letters = input records");
  const ids = audit.map((v) => Number(JSON.parse(v)["id"]));
  assert.equal(new Set(ids).size, ids.length, "audit ids are distinct");
  const valid = all.filter(
    (r): r is Row => typeof r !== "string" && typeof r["id"] === "number" && typeof r["card"] === "string",
  );
  const expected = valid.filter((r) => (r["amount"] as number) >= 0).map((r) => r["id"] as number);
  assert.deepEqual(
    [...ids].sort((a, b) => a - b),
    expected.sort((a, b) => a - b),
  );
}

// Kafka I/O stage tests: `vigil run` SIGKILLed at each commit phase (failpoints), restarted each
// time, then stopped with SIGTERM: its read_committed output equals the embedded run's exactly,
// partition by partition (no duplicates, nothing missing, same order), dead letters included.
// Besides the failpoints, the worker is SIGKILLed at random moments (seeded, reproducible delays).
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after } from "node:test";
import { fileURLToPath } from "node:url";
import type { Admin, Kafka, KafkaMessage } from "kafkajs";
import type { Row } from "../../src/core/value.ts";
import { readPartitions } from "../../src/kafka/partition-reader.ts";
import { HEADERS } from "../../src/kafka/serdes.ts";
import { compileProgram } from "../../src/plan/compile.ts";
import { runEmbedded } from "../../src/runtime/embedded-runner.ts";
import { partitionForKey } from "../../src/runtime/partitioner.ts";
import { paymentRows } from "../runtime/support/plans.ts";
import { kafkaTest, testKafka, uniqueName } from "../support/kafka-env.ts";
import { highWatermarks } from "../support/kafka-offsets.ts";

const PARTITIONS = 3;
const VIGIL = fileURLToPath(new URL("../../bin/vigil.mjs", import.meta.url));

function rules(input: string, big: string, tumble: string, burst: string): string {
  return `stream payments from topic "${input}"
  key card
  format json
  schema { id: int, card: string, amount: float, ts: timestamp }
  event time ts, lateness 1s

rule big
  from payments
  where amount > 100
  emit to "${big}" { id, card, amount }

rule tumble
  from payments
  partition by card
  window tumbling 10s
  aggregate count() as n, sum(amount) as total
  emit final to "${tumble}" { card, n, total, start: window_start }

rule burst
  from payments
  partition by card
  match small: amount < 60 -> large: amount > 200
  within 10s
  emit to "${burst}" { card: large.card, small_id: small.id, large_id: large.id, at: large.ts }
`;
}

interface Run {
  /** Resolves when the worker logged that it joined the group (its signal handlers are set by then). */
  readonly joined: Promise<void>;
  readonly exited: Promise<{ code: number | null; signal: string | null; stderr: string }>;
  kill(signal: NodeJS.Signals): void;
}

/** Every worker keeps RocksDB state (--state-dir), so kills also hit the local checkpoint path. */
const stateRoot = mkdtempSync(join(tmpdir(), "vigil-crash-state-"));
after(() => rmSync(stateRoot, { recursive: true, force: true }));

function startWorker(file: string, brokers: string[], group: string, failpoint: string | null): Run {
  const env = { ...process.env, VIGIL_FAILPOINT: failpoint ?? "" };
  // A restore long enough to be killed in: the folder is gone, so every changelog replays from 0.
  if (failpoint?.startsWith("during-restore"))
    rmSync(join(stateRoot, group), { recursive: true, force: true });
  const args = [
    VIGIL,
    "run",
    file,
    "--brokers",
    brokers.join(","),
    "--group",
    group,
    "--session-timeout",
    "1500",
    "--fetch-bytes",
    "4096",
    "--state-dir",
    stateRoot,
  ];
  const child = spawn(process.execPath, args, { env, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  let joined: () => void = () => undefined;
  child.stderr.on("data", (d: Buffer) => {
    stderr += d.toString();
    if (stderr.includes('"event":"worker.joined"')) joined();
  });
  return {
    joined: new Promise((ok) => (joined = ok)),
    exited: new Promise((ok) => child.on("exit", (code, signal) => ok({ code, signal, stderr }))),
    kill: (signal) => child.kill(signal),
  };
}

/** The seed of the random kill delays (override with VIGIL_KILL_SEED to replay another schedule). */
const KILL_SEED = Number(process.env["VIGIL_KILL_SEED"] ?? 0x5eed);

/** mulberry32: a small seeded PRNG, so a failing kill schedule can be replayed. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * SIGKILLs a fresh worker `count` times, each after a random delay (300 ms to 3 s) from its join,
 * and returns the delays and the committed progress at each kill, for the log.
 */
async function randomKills(s: Scenario, count: number): Promise<string[]> {
  const next = mulberry32(KILL_SEED);
  const done: string[] = [];
  for (let k = 0; k < count; k++) {
    const delay = 300 + Math.floor(next() * 2700);
    const run = startWorker(s.file, s.brokers, s.group, null);
    await Promise.race([run.joined, run.exited]);
    const early = await Promise.race([
      run.exited,
      new Promise<null>((ok) => setTimeout(() => ok(null), delay)),
    ]);
    assert.equal(early, null, `worker exited before its kill: ${early?.stderr.slice(-2000)}`);
    run.kill("SIGKILL");
    const exit = await run.exited;
    assert.equal(exit.signal, "SIGKILL");
    const progress = (await s.admin.fetchOffsets({ groupId: s.group, topics: [s.input] }))[0]?.partitions
      .map((p) => p.offset)
      .join("/");
    done.push(`${delay}ms@${progress}`);
  }
  return done;
}

async function committedAll(
  admin: Admin,
  group: string,
  topic: string,
  ends: readonly number[],
): Promise<boolean> {
  const offsets = await admin.fetchOffsets({ groupId: group, topics: [topic] });
  const at = (p: number) => Number(offsets[0]?.partitions.find((x) => x.partition === p)?.offset ?? -1);
  return ends.every((end, p) => at(p) >= end);
}

async function readAll(kafka: Kafka, topic: string): Promise<KafkaMessage[][]> {
  const out: KafkaMessage[][] = Array.from({ length: PARTITIONS }, () => []);
  const parts = out.map((_, partition) => ({ topic, partition, from: 0 }));
  await readPartitions(kafka, parts, (p, ms) => {
    out[p.partition]!.push(...ms);
  });
  return out;
}

function sameLists(got: string[][], want: string[][], what: string): void {
  for (let p = 0; p < PARTITIONS; p++) {
    const g = got[p] ?? [];
    const w = want[p] ?? [];
    const at = g.findIndex((x, i) => x !== w[i]);
    const where = at < 0 ? g.length : at;
    assert.ok(
      g.length === w.length && at < 0,
      `${what}/${p}: ${g.length} vs ${w.length}; first difference at ${where}: ${g[where]} vs ${w[where]}`,
    );
  }
}

interface Scenario {
  readonly kafka: Kafka;
  readonly admin: Admin;
  readonly brokers: string[];
  readonly file: string;
  readonly input: string;
  readonly group: string;
  readonly ends: readonly number[];
}

/** Sets up topics and input, runs `drive`, then one worker to the end, and compares with embedded. */
function scenarioTest(name: string, drive: (s: Scenario) => Promise<void>): void {
  kafkaTest(
    name,
    async (brokers) => {
      const kafka = testKafka(brokers);
      const suffix = uniqueName("crash");
      const [input, big, tumble, burst, group] = [
        `in-${suffix}`,
        `big-${suffix}`,
        `tumble-${suffix}`,
        `burst-${suffix}`,
        `g-${suffix}`,
      ];
      const dir = mkdtempSync(join(tmpdir(), "vigil-crash-"));
      const file = join(dir, "rules.vigil");
      writeFileSync(file, rules(input, big, tumble, burst));
      const admin = kafka.admin();
      await admin.connect();
      try {
        await runScenario(kafka, admin, brokers, { file, input, big, tumble, burst, group }, drive);
      } finally {
        await admin.disconnect();
      }
    },
    { timeout: process.env["VIGIL_CHAOS"] === "1" ? 1_200_000 : 240_000 },
  );
}

async function runScenario(
  kafka: Kafka,
  admin: Admin,
  brokers: string[],
  names: { file: string; input: string; big: string; tumble: string; burst: string; group: string },
  drive: (s: Scenario) => Promise<void>,
): Promise<void> {
  const { file, input, big, tumble, burst, group } = names;
  await admin.createTopics({
    topics: [input, big, tumble, burst].map((topic) => ({ topic, numPartitions: PARTITIONS })),
    waitForLeaders: true,
  });

  const chaos = process.env["VIGIL_CHAOS"] === "1";
  const rows: (Row | string)[] = paymentRows(5, chaos ? 50_000 : 1500, 9);
  // Poison: bad JSON, a wrong type, missing fields: dead letters, and the worker carries on.
  rows.splice(300, 0, "{bad json", { id: "x", card: "c1", amount: 5, ts: 1_300_000 }, { card: "c2" });
  const lastTs = (rows[rows.length - 1] as Row)["ts"] as number;
  // One far-future record per partition pushes every task's watermark past the data.
  const sentinels = Array.from({ length: PARTITIONS }, (_, p) => {
    let i = 0;
    while (partitionForKey(`zz${i}`, PARTITIONS) !== p) i++;
    return { id: -1 - p, card: `zz${i}`, amount: 0, ts: lastTs + 86_400_000 };
  });
  const all = [...rows, ...sentinels];
  const producer = kafka.producer();
  await producer.connect();
  // Several sends, so fetches (and transactions) come in several batches per partition.
  for (let i = 0; i < all.length; i += 100) {
    const messages = all.slice(i, i + 100).map((r) =>
      typeof r === "string"
        ? { key: null, value: r, partition: 0, timestamp: "1000000" }
        : {
            key: String(r["card"]),
            value: JSON.stringify(r),
            partition: partitionForKey(String(r["card"]), PARTITIONS),
            timestamp: String(r["ts"] ?? 1_000_000),
          },
    );
    await producer.send({ topic: input, messages, acks: -1 });
  }
  await producer.disconnect();
  const ends = (await admin.fetchTopicOffsets(input))
    .sort((a, b) => a.partition - b.partition)
    .map((o) => Number(o.high));

  await drive({ kafka, admin, brokers, file, input, group, ends });
  const last = startWorker(file, brokers, group, null);
  await Promise.race([last.joined, last.exited]);
  for (let i = 0; i < (chaos ? 6000 : 600) && !(await committedAll(admin, group, input, ends)); i++) {
    await new Promise((ok) => setTimeout(ok, 50));
  }
  last.kill("SIGTERM");
  const exit = await last.exited;
  assert.equal(exit.code, 0, exit.stderr.slice(-2000));
  assert.ok(await committedAll(admin, group, input, ends), "every input record committed");

  const plan = compileProgram([file]).plan!;
  const embedded = await runEmbedded({
    plan,
    inputs: { records: { payments: all } },
    partitions: PARTITIONS,
  });
  for (const topic of [big, tumble, burst]) {
    const got = (await readAll(kafka, topic)).map((ms) => ms.map((m) => m.value?.toString() ?? ""));
    const want = (embedded.byPartition[topic] ?? []).map((os) =>
      os
        .filter((o) => !(Number(o.value["start"]) >= lastTs + 80_000_000))
        .map((o) => JSON.stringify(o.value)),
    );
    sameLists(got, want, topic);
    assert.ok(got.flat().length > 50, `${topic} has outputs`);
  }
  const dead = (await readAll(kafka, `${group}-dead-letters`)).flat();
  const reasons = dead.map((m) => `${m.headers?.[HEADERS.reason]?.toString()} ${m.value?.toString()}`);
  assert.deepEqual(reasons.sort(), embedded.deadLetters.map((d) => `${d.reason} ${d.raw}`).sort());
  assert.equal(dead.length, 3);
  // No transaction left open: the last stable offset equals the high watermark everywhere.
  for (const topic of [big, tumble, burst, `${group}-dead-letters`, input]) {
    const stable = (await admin.fetchTopicOffsets(topic)).map((o) => `${o.partition}:${o.high}`).sort();
    assert.deepEqual(stable, (await highWatermarks(brokers, topic)).sort(), `${topic}: hanging transaction`);
  }
}

scenarioTest(
  `vigil run, SIGKILLed at every commit phase and at random moments (seed ${KILL_SEED}), restarted each time, ends with exactly the embedded output`,
  async (scenario) => {
    const { admin, brokers, file, input, group, ends } = scenario;
    const tried: string[] = [];
    const crashed: string[] = [];
    for (const failpoint of [
      "after-send@2",
      "after-send-offsets@2",
      "before-commit@3",
      "after-commit@2",
      "after-checkpoint@3",
      "during-restore@2",
      ...(process.env["VIGIL_CHAOS"] === "1"
        ? ["after-send@7", "after-commit@5", "before-commit@9", "during-restore@1"]
        : []),
    ]) {
      if (await committedAll(admin, group, input, ends)) break;
      tried.push(failpoint);
      const run = startWorker(file, brokers, group, failpoint);
      const exit = await Promise.race([
        run.exited,
        new Promise<null>((ok) => setTimeout(() => ok(null), 20_000).unref()),
      ]);
      if (exit === null) {
        run.kill("SIGKILL");
        await run.exited;
        continue;
      }
      assert.equal(exit.signal, "SIGKILL", `${failpoint}: ${exit.stderr.slice(-2000)}`);
      assert.ok(exit.stderr.includes(`failpoint ${failpoint.split("@")[0]} hit`), exit.stderr.slice(-2000));
      crashed.push(failpoint);
    }
    // Every phase tried crashed the worker (the loop ends early once all input is committed).
    assert.deepEqual(crashed, tried);
    assert.ok(crashed.length >= 4, `crashed at ${crashed.join(", ")}`);
    // Kills at random moments: fresh workers (restoring, fetching, committing) SIGKILLed mid-flight.
    const kills = await randomKills(scenario, process.env["VIGIL_CHAOS"] === "1" ? 5 : 2);
    console.log(`random kills (seed ${KILL_SEED}; delay@committed offsets): ${kills.join(", ")}`);
  },
);

scenarioTest(
  "three workers share the partitions; one SIGKILLed and one added mid-run: same output",
  async ({ admin, brokers, file, input, group, ends }) => {
    const workers = [0, 1, 2].map(() => startWorker(file, brokers, group, null));
    await Promise.all(workers.map((w) => Promise.race([w.joined, w.exited])));
    const progressed = async () => {
      const offsets = await admin.fetchOffsets({ groupId: group, topics: [input] });
      return (offsets[0]?.partitions ?? []).reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
    };
    const total = ends.reduce((a, b) => a + b, 0);
    for (let i = 0; i < 400 && (await progressed()) < total / 4; i++)
      await new Promise((ok) => setTimeout(ok, 25));
    assert.ok((await progressed()) < total, "the kill happens mid-run");
    workers[1]!.kill("SIGKILL");
    const added = startWorker(file, brokers, group, null);
    await Promise.race([added.joined, added.exited]);
    for (let i = 0; i < 400 && (await progressed()) < total / 2; i++)
      await new Promise((ok) => setTimeout(ok, 25));
    for (const w of [workers[0]!, workers[2]!, added]) w.kill("SIGTERM");
    for (const w of [workers[0]!, workers[2]!, added]) {
      const exit = await w.exited;
      assert.equal(exit.code, 0, exit.stderr.slice(-3000));
    }
    assert.equal((await workers[1]!.exited).signal, "SIGKILL");
  },
);

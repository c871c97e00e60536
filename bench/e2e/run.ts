// End-to-end benchmark through Kafka (`npm run bench:e2e`): builds the Kafka Streams baseline,
// starts a throwaway broker, preloads the inputs once, then for each mode runs rounds of Vigil,
// Kafka Streams and the bare kafkajs loop, interleaved, each with a fresh group and output topic.
// Progress on stderr; the Markdown tables on stdout. A wrong output count fails the run (exit 1).
import { spawnSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { availableParallelism, loadavg, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { Kafka, logLevel } from "kafkajs";
import { type DevBroker, startDevBroker } from "../../src/kafka/dev-broker.ts";
import {
  buildKafkaStreams,
  CONTENDERS,
  type Contender,
  MODES,
  type Mode,
  RUNNING,
  type RunSpec,
} from "./contenders.ts";
import { type DataSpec, type Expected, expectedCounts } from "./generator.ts";
import { type LatencyLoad, measureLatency } from "./latency.ts";
import { INPUT_TOPICS, preload } from "./preload.ts";
import { resultTable, runsTable, type Sample, startupTable } from "./report.ts";
import { dropRunTopics, runOne } from "./run-one.ts";

const log = (line: string) => console.error(line);

function intEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw.replaceAll("_", ""));
  if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer, got ${raw}`);
  return n;
}

function listEnv<T extends string>(name: string, all: readonly T[], defaults: readonly T[] = all): T[] {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return [...defaults];
  const wanted = raw.split(",").map((s) => s.trim());
  const bad = wanted.filter((w) => !all.includes(w as T));
  if (bad.length > 0) throw new Error(`${name}: unknown ${bad.join(", ")}; choose from ${all.join(", ")}`);
  return wanted as T[];
}

interface Settings {
  readonly spec: DataSpec;
  readonly latency: LatencyLoad | null;
  readonly rounds: number;
  readonly modes: Mode[];
  readonly contenders: Contender[];
}

function settings(): Settings {
  const names = listEnv(
    "VIGIL_BENCH_E2E_CONTENDERS",
    CONTENDERS.map((c) => c.name),
    // vigil-metrics (the cost of --http) and vigil-base (another tree): asked for by name only.
    CONTENDERS.filter((c) => c.name !== "vigil-metrics" && c.name !== "vigil-base").map((c) => c.name),
  );
  return {
    spec: { payments: intEnv("VIGIL_BENCH_E2E_RECORDS", 1_000_000), cards: 10_000, partitions: 8 },
    rounds: intEnv("VIGIL_BENCH_E2E_ROUNDS", 3),
    latency:
      process.env["VIGIL_BENCH_E2E_LATENCY"] === "0"
        ? null
        : {
            rate: intEnv("VIGIL_BENCH_E2E_LATENCY_RATE", 2_000),
            seconds: intEnv("VIGIL_BENCH_E2E_LATENCY_SECONDS", 5),
            warmup: 500,
          },
    modes: listEnv("VIGIL_BENCH_E2E_MODES", MODES),
    contenders: CONTENDERS.filter((c) => names.includes(c.name)),
  };
}

let broker: DevBroker | null = null;

function javaVersion(): string {
  try {
    const out = spawnSync("java", ["-version"], { encoding: "utf8" });
    return (out.stderr || out.stdout).split("\n")[0]?.trim() ?? "?";
  } catch {
    return "?";
  }
}

/** What ran, on what: the lines to keep with the tables. */
function preamble(s: Settings, counts: Record<string, number>): string {
  const gib = (n: number) => (n / 2 ** 30).toFixed(1);
  const lat =
    s.latency === null
      ? "off"
      : `${s.latency.rate} payments/s for ${s.latency.seconds} s after ${s.latency.warmup} warm-up payments`;
  return [
    `End to end through Kafka, ${new Date().toISOString()}: ${s.rounds} interleaved rounds, inputs ${JSON.stringify(counts)}, 8 partitions, Kafka ${broker?.version ?? "?"}.`,
    `Machine: ${availableParallelism()} cores, ${gib(totalmem())} GiB, load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(" ")} at the end; Node ${process.version}; ${javaVersion()}.`,
    `Latency load: ${lat}. Medians over rounds; events = input records of the mode; CPU from /proc/<pid>/stat.`,
  ].join("\n");
}

async function oneSample(
  ctx: { kafka: Kafka; work: string; expected: Expected; settings: Settings },
  mode: Mode,
  round: number,
  contender: Contender,
): Promise<Sample> {
  const tag = `${mode}-r${round}-${contender.name}`;
  const group = `e2e-${tag}-${Math.random().toString(36).slice(2, 6)}`;
  const spec: RunSpec = {
    mode,
    brokers: broker!.bootstrap,
    group,
    topics: { ...INPUT_TOPICS, output: `${group}-out` },
    dir: join(ctx.work, tag),
  };
  const expected = ctx.expected[mode];
  const base = { mode, round, contender: contender.name, expected };
  // A fresh admin per run: kafkajs keeps deleted topics in its metadata and then fails on them.
  const admin = ctx.kafka.admin();
  await admin.connect();
  try {
    const result = await runOne(ctx.kafka, admin, contender, spec, { pid: broker!.pid, partitions: 8 });
    const rate = (result.events / result.wallS / 1000).toFixed(1);
    const cpu = (result.events / result.cpuS / 1000).toFixed(1);
    log(
      `[e2e] ${tag}: ${result.wallS.toFixed(1)} s wall (${rate}k/s), ${result.cpuS.toFixed(1)} CPU-s (${cpu}k per CPU-s), broker ${result.brokerCpuS.toFixed(1)} CPU-s, output ${result.output}`,
    );
    if (result.output !== expected)
      log(`[e2e] ERROR ${tag}: output ${result.output} records, expected ${expected}`);
    const load = ctx.settings.latency;
    if (load === null || mode === "window") return { ...base, result };
    try {
      const latency = await measureLatency(ctx.kafka, admin, contender, spec, ctx.settings.spec, load);
      log(`[e2e] ${tag}: latency p50 ${latency.p50} ms, p99 ${latency.p99} ms (${latency.samples} outputs)`);
      return { ...base, result, latency };
    } catch (err) {
      log(`[e2e] ERROR ${tag} latency: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      return { ...base, result, error: `latency: ${String(err)}` };
    }
  } catch (err) {
    log(`[e2e] ERROR ${tag}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    return { ...base, error: String(err) };
  } finally {
    await dropRunTopics(admin, spec);
    await admin.disconnect();
  }
}

async function main(): Promise<number> {
  const s = settings();
  const started = performance.now();
  log(`[e2e] ${s.spec.payments} payments, ${s.rounds} rounds, modes ${s.modes.join(", ")}`);
  if (s.contenders.some((c) => c.name === "kafka-streams")) await buildKafkaStreams(log);
  broker = await startDevBroker({ log, heapMb: 1024 });
  const kafka = new Kafka({
    clientId: "vigil-bench-e2e",
    brokers: [broker.bootstrap],
    logLevel: logLevel.NOTHING,
  });
  const work = await mkdtemp(join(tmpdir(), "vigil-e2e-"));
  const samples: Sample[] = [];
  let loadedCounts: Record<string, number> = {};
  try {
    const loaded = await preload(kafka, s.spec);
    loadedCounts = loaded.counts;
    log(`[e2e] preloaded ${JSON.stringify(loaded.counts)} in ${(loaded.ms / 1000).toFixed(1)} s`);
    const expected = expectedCounts(s.spec, loaded.auths);
    log(`[e2e] expected outputs ${JSON.stringify(expected)}`);
    const ctx = { kafka, work, expected, settings: s };
    for (const mode of s.modes) {
      for (let round = 1; round <= s.rounds; round++) {
        // Even rounds run the contenders in reverse order, so none always runs first on a fresh broker.
        const order = s.contenders.filter((c) => c.supports(mode));
        if (round % 2 === 0) order.reverse();
        for (const contender of order) {
          samples.push(await oneSample(ctx, mode, round, contender));
        }
      }
    }
  } finally {
    await broker.stop();
    if (process.env["VIGIL_BENCH_E2E_KEEP"] === "1") log(`[e2e] kept ${work}`);
    else await rm(work, { recursive: true, force: true });
  }
  console.log(preamble(s, loadedCounts));
  console.log("");
  console.log(resultTable(samples, s.modes));
  console.log("");
  console.log(startupTable(samples, s.modes));
  console.log("");
  console.log(runsTable(samples));
  const bad = samples.filter((x) => x.result === undefined || x.result.output !== x.expected);
  log(`[e2e] total ${((performance.now() - started) / 60_000).toFixed(1)} min`);
  if (bad.length > 0)
    log(`[e2e] FAILED: ${bad.length} of ${samples.length} runs failed or gave a wrong output count`);
  return bad.length > 0 ? 1 : 0;
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    log(`[e2e] ${signal}: stopping the contender and the broker`);
    for (const child of RUNNING) child.kill("SIGKILL");
    void (broker?.stop(3_000) ?? Promise.resolve()).then(() => process.exit(130));
  });
}

main().then(
  (code) => process.exit(code),
  async (err) => {
    log(`[e2e] ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    await broker?.stop(3_000);
    process.exit(1);
  },
);

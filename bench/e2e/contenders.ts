// End-to-end bench: the three contenders as separate processes (Vigil's worker, the Kafka Streams
// baseline, the bare kafkajs loop), how each is started for one mode over given topics, and which
// modes each can run.
import { type ChildProcess, spawn } from "node:child_process";
import { openSync } from "node:fs";
import { readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { INPUT_TOPICS } from "./preload.ts";

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const RULES = join(REPO, "bench/e2e/rules");
export const KS_DIR = join(REPO, "bench/baseline/kafka-streams");

export const MODES = ["passthrough", "filter", "window", "stream-join", "table-join"] as const;
export type Mode = (typeof MODES)[number];
export type ContenderName = "vigil" | "vigil-base" | "vigil-metrics" | "kafka-streams" | "bare-kafkajs";

/** The topics one run reads and writes. */
export interface RunTopics {
  readonly payments: string;
  readonly auths: string;
  readonly cards: string;
  readonly output: string;
}

/** Everything a contender needs to start. */
export interface RunSpec {
  readonly mode: Mode;
  readonly brokers: string;
  /** Consumer group (Vigil, bare) or application.id (Kafka Streams). */
  readonly group: string;
  readonly topics: RunTopics;
  /** A fresh folder for the run's state, rule copies and log. */
  readonly dir: string;
}

export interface Contender {
  readonly name: ContenderName;
  readonly supports: (mode: Mode) => boolean;
  readonly start: (spec: RunSpec) => Promise<ChildProcess>;
}

/** The input topics a mode reads, in the order of RunTopics. */
export function inputsOf(mode: Mode, topics: RunTopics): string[] {
  if (mode === "stream-join") return [topics.payments, topics.auths];
  if (mode === "table-join") return [topics.payments, topics.cards];
  return [topics.payments];
}

/** Contender processes still running, so an interrupted bench can stop them. */
export const RUNNING = new Set<ChildProcess>();

function launch(command: string, args: string[], dir: string): ChildProcess {
  const log = openSync(join(dir, "process.log"), "a");
  const env = { ...process.env, KAFKAJS_NO_PARTITIONER_WARNING: "1" };
  const child = spawn(command, args, { cwd: REPO, stdio: ["ignore", log, log], env });
  RUNNING.add(child);
  child.once("exit", () => RUNNING.delete(child));
  return child;
}

/** Copies the mode's rule file and streams.vigil into `dir`, pointing them at the run's topics. */
async function writeRules(spec: RunSpec): Promise<string> {
  const names: [string, string][] = [
    [INPUT_TOPICS.payments, spec.topics.payments],
    [INPUT_TOPICS.auths, spec.topics.auths],
    [INPUT_TOPICS.cards, spec.topics.cards],
    ["e2e-out", spec.topics.output],
  ];
  for (const file of ["streams.vigil", `${spec.mode}.vigil`]) {
    let text = await readFile(join(RULES, file), "utf8");
    for (const [from, to] of names) text = text.replaceAll(`"${from}"`, `"${to}"`);
    await writeFile(join(spec.dir, file), text);
  }
  return join(spec.dir, `${spec.mode}.vigil`);
}

/** A Vigil worker from the checkout at `root`. */
function vigilAt(name: ContenderName, root: () => string): Contender {
  return {
    name,
    supports: () => true,
    start: async (spec) => {
      const rules = await writeRules(spec);
      // VIGIL_BENCH_E2E_CPU_PROF=<dir>: the worker writes a V8 CPU profile there when it stops.
      const profile = process.env["VIGIL_BENCH_E2E_CPU_PROF"];
      const args = profile ? ["--cpu-prof", "--cpu-prof-dir", profile] : [];
      args.push("--import", "tsx", join(root(), "src/cli/main.ts"), "run", rules);
      args.push("--brokers", spec.brokers, "--group", spec.group, "--state-dir", join(spec.dir, "state"));
      return launch(process.execPath, args, spec.dir);
    },
  };
}

const vigil = vigilAt("vigil", () => REPO);

/**
 * VIGIL_BENCH_E2E_BASE=<checkout>: another tree's worker (with its own node_modules), in the same
 * rounds as this one: a before/after pair on one broker. Asked for by name only.
 */
const vigilBase = vigilAt("vigil-base", () => {
  const base = process.env["VIGIL_BENCH_E2E_BASE"];
  if (!base) throw new Error("vigil-base: set VIGIL_BENCH_E2E_BASE to the base checkout");
  return base;
});

/** A free local TCP port (bound once and released), for a worker's --http. */
async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address !== null ? ok(address.port) : fail()));
    });
  });
}

/**
 * Vigil with its HTTP endpoint on (metrics, health, the dashboard feed), scraped every second as a
 * Prometheus server would (faster than its usual 15 s, so the cost of a scrape shows): against
 * `vigil` in the same rounds, this is the cost of metrics.
 */
const vigilMetrics: Contender = {
  name: "vigil-metrics",
  supports: () => true,
  start: async (spec) => {
    const rules = await writeRules(spec);
    const port = await freePort();
    const args = ["--import", "tsx", join(REPO, "src/cli/main.ts"), "run", rules];
    args.push("--brokers", spec.brokers, "--group", spec.group, "--state-dir", join(spec.dir, "state"));
    args.push("--http", `127.0.0.1:${port}`);
    const child = launch(process.execPath, args, spec.dir);
    const scrape = setInterval(() => {
      fetch(`http://127.0.0.1:${port}/metrics`)
        .then((r) => r.text())
        .catch(() => undefined);
    }, 1000);
    child.once("exit", () => clearInterval(scrape));
    return child;
  },
};

const kafkaStreams: Contender = {
  name: "kafka-streams",
  supports: () => true,
  start: async (spec) => {
    const classpath = `${join(KS_DIR, "target/kafka-streams-baseline-1.jar")}:${join(KS_DIR, "target/lib")}/*`;
    const args = [
      "-Xms1g",
      "-Xmx1g",
      "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
      "-cp",
      classpath,
      "dev.vigil.bench.StreamsBench",
    ];
    const t = spec.topics;
    args.push("--bootstrap", spec.brokers, "--app-id", spec.group, "--mode", spec.mode);
    args.push("--payments", t.payments, "--auths", t.auths, "--cards", t.cards, "--output", t.output);
    args.push("--state-dir", join(spec.dir, "state"));
    return launch("java", args, spec.dir);
  },
};

const bare: Contender = {
  name: "bare-kafkajs",
  supports: (mode) => mode === "passthrough" || mode === "filter",
  start: async (spec) => {
    const script = join(REPO, "bench/e2e/bare-kafkajs.ts");
    const args = ["--import", "tsx", script, spec.brokers, spec.group, spec.topics.payments];
    return launch(process.execPath, [...args, spec.topics.output, spec.mode], spec.dir);
  },
};

export const CONTENDERS: readonly Contender[] = [vigil, vigilBase, vigilMetrics, kafkaStreams, bare];

/** Builds the Kafka Streams baseline (target/lib is cleared first so no stale jar stays on the classpath). */
export async function buildKafkaStreams(log: (line: string) => void): Promise<void> {
  await rm(join(KS_DIR, "target/lib"), { recursive: true, force: true });
  const started = performance.now();
  const args = ["-q", "-B", "package", `-Dmaven.repo.local=${join(REPO, ".cache/m2")}`];
  const child = spawn("mvn", args, { cwd: KS_DIR, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
  const code = await new Promise<number>((ok, fail) => {
    child.on("error", (err) => fail(new Error(`cannot run mvn: ${err.message}`)));
    child.on("exit", (c) => ok(c ?? 1));
  });
  if (code !== 0) throw new Error(`mvn package failed (${code}) in ${KS_DIR}:\n${output}`);
  log(`[e2e] Kafka Streams baseline built in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

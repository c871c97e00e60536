// End-to-end bench: one timed run of one contender on one mode. Starts the process, polls the
// group's committed offsets (every 200 ms) until they equal the log end of every input partition,
// reads the process's CPU time from /proc before stopping it with SIGTERM, then counts the output
// topic read_committed and removes the run's topics.
import type { ChildProcess } from "node:child_process";
import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Admin, Kafka } from "kafkajs";
import { readPartitions } from "../../src/kafka/partition-reader.ts";
import { type Contender, inputsOf, type RunSpec } from "./contenders.ts";
import { createTopics } from "./preload.ts";
import { cpuSeconds } from "./proc-stat.ts";

const POLL_MS = 200;
const STALL_MS = 180_000;

/** What one run measured. */
export interface RunResult {
  readonly events: number;
  readonly wallS: number;
  /** Spawn to the first committed input offset. */
  readonly startupS: number;
  readonly cpuS: number;
  readonly cpuAtStartS: number;
  readonly brokerCpuS: number;
  readonly output: number;
}

type Ends = Map<string, Map<number, number>>;

export async function logEnds(admin: Admin, topics: readonly string[]): Promise<Ends> {
  const ends: Ends = new Map();
  for (const topic of topics) {
    const offsets = await admin.fetchTopicOffsets(topic);
    ends.set(topic, new Map(offsets.map((o) => [o.partition, Number(o.high)])));
  }
  return ends;
}

/** Records committed so far by the group, summed over the input partitions, and whether all are. */
async function committed(admin: Admin, group: string, ends: Ends): Promise<{ done: number; all: boolean }> {
  const offsets = await admin.fetchOffsets({ groupId: group, topics: [...ends.keys()] });
  let [done, all] = [0, true];
  for (const { topic, partitions } of offsets) {
    const topicEnds = ends.get(topic)!;
    for (const [partition, end] of topicEnds) {
      const at = Number(partitions.find((p) => p.partition === partition)?.offset ?? -1);
      done += Math.max(0, at);
      if (at < end) all = false;
    }
  }
  return { done, all };
}

const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));

async function tail(file: string): Promise<string> {
  const text = await readFile(file, "utf8").catch(() => "");
  return text.split("\n").slice(-25).join("\n");
}

interface Progress {
  readonly doneAt: number;
  readonly firstAt: number;
  readonly cpuAtStart: number;
}

/** Polls until every input partition is committed to its end; throws if the process dies or stalls. */
async function waitCommitted(
  admin: Admin,
  spec: RunSpec,
  child: ChildProcess,
  ends: Ends,
): Promise<Progress> {
  let [firstAt, cpuAtStart, last, lastChange] = [0, 0, -1, performance.now()];
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `process exited (${child.exitCode ?? child.signalCode}):\n${await tail(join(spec.dir, "process.log"))}`,
      );
    }
    const { done, all } = await committed(admin, spec.group, ends).catch(() => ({ done: last, all: false }));
    const now = performance.now();
    if (done > 0 && firstAt === 0) [firstAt, cpuAtStart] = [now, cpuSeconds(child.pid!) ?? 0];
    if (all) return { doneAt: now, firstAt, cpuAtStart };
    if (done !== last) [last, lastChange] = [done, now];
    if (now - lastChange > STALL_MS) {
      throw new Error(
        `no progress for ${STALL_MS / 1000} s at ${done} records:\n${await tail(join(spec.dir, "process.log"))}`,
      );
    }
    await sleep(POLL_MS);
  }
}

/** SIGTERM, then SIGKILL after 30 s. */
export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((ok) => child.once("exit", () => ok()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
  await exited;
  clearTimeout(timer);
}

/** Output records visible to a read_committed consumer. */
export async function countOutput(kafka: Kafka, topic: string, partitions: number): Promise<number> {
  let count = 0;
  const parts = Array.from({ length: partitions }, (_, partition) => ({ topic, partition, from: 0 }));
  await readPartitions(kafka, parts, (_p, ms) => void (count += ms.length), {
    groupPrefix: "e2e-count",
    timeoutMs: 300_000,
  });
  return count;
}

/** Deletes the output topic and every topic the run's group created (`<group>-...`). */
export async function dropRunTopics(admin: Admin, spec: RunSpec): Promise<void> {
  const topics = (await admin.listTopics()).filter(
    (t) => t === spec.topics.output || t.startsWith(`${spec.group}-`),
  );
  if (topics.length > 0) await admin.deleteTopics({ topics, timeout: 30_000 }).catch(() => undefined);
}

/** One run: fresh output topic, the contender's process, its CPU, the broker's CPU, the output count. */
export async function runOne(
  kafka: Kafka,
  admin: Admin,
  contender: Contender,
  spec: RunSpec,
  broker: { pid: number; partitions: number },
): Promise<RunResult> {
  await mkdir(spec.dir, { recursive: true });
  await createTopics(admin, [spec.topics.output], broker.partitions);
  const ends = await logEnds(admin, inputsOf(spec.mode, spec.topics));
  const events = [...ends.values()].reduce((sum, m) => sum + [...m.values()].reduce((a, b) => a + b, 0), 0);
  const brokerBefore = cpuSeconds(broker.pid) ?? 0;
  const started = performance.now();
  const child = await contender.start(spec);
  try {
    const progress = await waitCommitted(admin, spec, child, ends);
    const cpuS = cpuSeconds(child.pid!) ?? Number.NaN;
    const brokerCpuS = (cpuSeconds(broker.pid) ?? 0) - brokerBefore;
    await stop(child);
    const output = await countOutput(kafka, spec.topics.output, broker.partitions);
    return {
      events,
      wallS: (progress.doneAt - started) / 1000,
      startupS: (progress.firstAt - started) / 1000,
      cpuS,
      cpuAtStartS: progress.cpuAtStart,
      brokerCpuS,
      output,
    };
  } finally {
    await stop(child);
  }
}

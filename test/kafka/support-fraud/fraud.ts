// Kafka test support: the fraud example through Kafka (shared by worker-fraud and worker-fraud-idle):
// its plan on fresh topics, producing the embedded log's partitions, waiting for a group, reading back.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Admin, Kafka, KafkaMessage } from "kafkajs";
import type { Row } from "../../../src/core/value.ts";
import { readPartitions } from "../../../src/kafka/partition-reader.ts";
import { compileProgram } from "../../../src/plan/compile.ts";
import type { ProgramPlan } from "../../../src/plan/plan.ts";
import { loadInputs } from "../../../src/runtime/embedded-inputs.ts";

export const RULES = resolve(fileURLToPath(import.meta.url), "../../../../examples/fraud/rules.vigil");

/** The example's plan with every external topic suffixed (a fresh set of topics per run). */
export function fraudPlan(suffix: string): ProgramPlan {
  const r = compileProgram([RULES]);
  if (!r.plan) throw new Error(`rules do not compile: ${JSON.stringify(r.diagnostics.slice(0, 3))}`);
  const plan = r.plan;
  return {
    ...plan,
    streams: plan.streams.map((s) => ({ ...s, topic: `${s.topic}-${suffix}` })),
    tables: plan.tables.map((t) => ({ ...t, topic: `${t.topic}-${suffix}` })),
    rules: plan.rules.map((rule) => ({
      ...rule,
      sink: { ...rule.sink, topic: `${rule.sink.topic}-${suffix}` },
    })),
  };
}

export function lines(path: string): string[] {
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l.length > 0);
}

export async function produceLog(
  kafka: Kafka,
  plan: ProgramPlan,
  inputs: Record<string, (string | Row)[]>,
  N: number,
) {
  const log = loadInputs(plan, { records: inputs }, N);
  const producer = kafka.producer();
  await producer.connect();
  for (const topic of [...plan.streams, ...plan.tables].map((d) => d.topic)) {
    for (let p = 0; p < N; p++) {
      const messages = log.read(topic, p, 0, 1e9).map((r) => ({
        key: r.key,
        value: r.value,
        partition: p,
        timestamp: String(Math.max(0, r.timestamp)),
      }));
      // In sends of 2,000: the broker refuses a request over 1 MB.
      for (let i = 0; i < messages.length; i += 2_000)
        await producer.send({ topic, messages: messages.slice(i, i + 2_000), acks: -1 });
    }
  }
  await producer.disconnect();
}

async function committed(admin: Admin, groupId: string, topic: string): Promise<number[]> {
  const offsets = await admin.fetchOffsets({ groupId, topics: [topic] });
  const parts = offsets[0]?.partitions ?? [];
  return parts.sort((a, b) => a.partition - b.partition).map((x) => Number(x.offset));
}

async function highs(admin: Admin, topic: string): Promise<number[]> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return offsets.sort((a, b) => a.partition - b.partition).map((o) => Number(o.high));
}

/** Waits until the group consumed every input record, then every repartition record. */
export async function waitDone(kafka: Kafka, groupId: string, inputs: string[], reparts: string[]) {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ends = new Map<string, number[]>();
    for (const t of inputs) ends.set(t, await highs(admin, t));
    const reached = async (t: string, slack: number) => {
      const at = await committed(admin, groupId, t);
      return (ends.get(t) ?? []).every((end, p) => end === 0 || (at[p] ?? -1) >= end - slack);
    };
    for (let i = 0; i < 1200; i++) {
      if ((await Promise.all(inputs.map((t) => reached(t, 0)))).every(Boolean)) {
        // Upstream tasks committed everything: the repartition topics are final now. Their last
        // offset is a commit marker, which no task position ever passes.
        for (const t of reparts) if (!ends.has(t)) ends.set(t, await highs(admin, t));
        if ((await Promise.all(reparts.map((t) => reached(t, 1)))).every(Boolean)) return;
      }
      await new Promise((ok) => setTimeout(ok, 100));
    }
    throw new Error("the worker did not consume every input and repartition record in time");
  } finally {
    await admin.disconnect();
  }
}

export async function readAll(kafka: Kafka, topic: string, partitions: number): Promise<KafkaMessage[][]> {
  const out: KafkaMessage[][] = Array.from({ length: partitions }, () => []);
  await readPartitions(
    kafka,
    out.map((_, partition) => ({ topic, partition, from: 0 })),
    (p, ms) => {
      out[p.partition]!.push(...ms);
    },
  );
  return out;
}

/** "<task> <key> <value>" per output partition, tasks apart (their interleaving is timing). */
export function byTaskLines(
  entries: { task: string; partition: number; line: string }[],
): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const e of entries) {
    const k = `${e.partition}/${e.task}`;
    out.set(k, [...(out.get(k) ?? []), e.line]);
  }
  return out;
}

export const line = (key: string | null, value: unknown) => `${key} ${JSON.stringify(value)}`;

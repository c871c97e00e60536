// Observe test support: a small rule program (a filter, a tumbling window, a pattern: no re-key, so
// every input record is one record in) over its own topics, seeded rows with many cards, and a
// reader of the Prometheus text format. The daily window keeps an entry per card open (state to restore).
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Row } from "../../src/core/value.ts";
import { resolveConnection } from "../../src/kafka/connection.ts";
import { createWorker } from "../../src/kafka/worker.ts";
import type { WorkerLog } from "../../src/kafka/worker-layout.ts";
import { createDashboardFeed } from "../../src/observe/dashboard-feed.ts";
import { startHttpEndpoint } from "../../src/observe/http-server.ts";
import { WorkerMetrics } from "../../src/observe/worker-metrics.ts";
import { compileProgram } from "../../src/plan/compile.ts";
import type { ProgramPlan } from "../../src/plan/plan.ts";
import { uniqueName } from "../support/kafka-env.ts";

export interface Program {
  readonly file: string;
  readonly plan: ProgramPlan;
  readonly input: string;
  readonly outputs: {
    readonly big: string;
    readonly tumble: string;
    readonly burst: string;
    readonly daily: string;
  };
}

export function writeProgram(): Program {
  const s = uniqueName("obs");
  const input = `pay-${s}`;
  const outputs = { big: `big-${s}`, tumble: `tumble-${s}`, burst: `burst-${s}`, daily: `daily-${s}` };
  const text = `stream payments from topic "${input}"
  key card
  format json
  schema { id: int, card: string, amount: float, ts: timestamp }
  event time ts, lateness 1s

rule big
  from payments
  where amount > 100
  emit to "${outputs.big}" { id, card, amount }

rule tumble
  from payments
  window tumbling 10s
  aggregate count() as n, sum(amount) as total
  emit final to "${outputs.tumble}" { card, n, total, start: window_start }

rule burst
  from payments
  match small: amount < 60 -> large: amount > 200
  within 10s
  emit to "${outputs.burst}" { card: large.card, small_id: small.id, large_id: large.id, at: large.ts }

rule daily
  from payments
  window tumbling 1d
  aggregate count() as n
  emit final to "${outputs.daily}" { card, n, start: window_start }
`;
  const file = join(mkdtempSync(join(tmpdir(), "vigil-observe-")), "rules.vigil");
  writeFileSync(file, text);
  const compiled = compileProgram([file]);
  if (compiled.plan === null)
    throw new Error(`rules do not compile: ${JSON.stringify(compiled.diagnostics)}`);
  return { file, plan: compiled.plan, input, outputs };
}

/** `n` payments over `cards` cards, one a second from `start`, amounts cycling 10..300 (seeded). */
export function rows(n: number, cards: number, start = 1_700_000_000_000, firstId = 0): Row[] {
  let seed = 7 + firstId;
  const next = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
  return Array.from({ length: n }, (_, i) => ({
    id: firstId + i,
    card: `card-${Math.floor(next() * cards)}`,
    amount: Math.round(10 + next() * 290),
    ts: start + (firstId + i) * 1000,
  }));
}

export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** Samples of the Prometheus text exposition (comments skipped). */
export function parseMetrics(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)/.exec(line);
    if (m === null) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g))
      labels[l[1]!] = l[2]!;
    out.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return out;
}

/** The sum of a metric's samples whose labels include `where`. */
export function sum(samples: readonly Sample[], name: string, where: Record<string, string> = {}): number {
  return samples
    .filter((s) => s.name === name && Object.entries(where).every(([k, v]) => s.labels[k] === v))
    .reduce((a, s) => a + s.value, 0);
}

export async function getText(url: string): Promise<{ status: number; text: string }> {
  const res = await fetch(url);
  return { status: res.status, text: await res.text() };
}

/** A worker with its metrics and HTTP endpoint (a free port) around `body`; both stop after it. */
export async function withWorker<T>(
  brokers: string[],
  plan: ProgramPlan,
  groupId: string,
  options: { readonly log?: WorkerLog; readonly sampleMs?: number },
  body: (url: string, metrics: WorkerMetrics) => Promise<T>,
): Promise<T> {
  const metrics = new WorkerMetrics();
  const feed = createDashboardFeed(plan, groupId, metrics, { sampleMs: options.sampleMs ?? 1000 });
  const http = await startHttpEndpoint({ host: "127.0.0.1", port: 0 }, { metrics, dashboard: feed });
  const worker = createWorker({
    connection: resolveConnection({ brokers }, {}),
    groupId,
    plan,
    // Small batches, a long session: a loaded machine must not lose the membership mid-batch.
    sessionTimeoutMs: 30_000,
    maxBytesPerPartition: 65_536,
    log: options.log ?? (() => undefined),
    observer: metrics,
  });
  try {
    await worker.start();
    return await body(http.url, metrics);
  } finally {
    await worker.stop();
    feed.close();
    await http.close();
  }
}

export const sleep = (ms: number) => new Promise<void>((ok) => setTimeout(ok, ms));

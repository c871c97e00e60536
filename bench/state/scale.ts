// State beyond memory, at scale: one task over a cards table of N keys and a stream of payments
// over those keys (a table join and a tumbling daily count per card), driven like a Kafka worker
// (a batch, a commit, a batch...); the cards arrive over the first day, the payments over three. Run with memory stores or with RocksDB behind a bounded cache;
// prints one JSON line: outputs (count and SHA-256), events/s, peak RSS and the cache's counters.
// Usage: node --import tsx bench/state/scale.ts <keys> <payments> memory|cached [cacheMB] [dir]
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compileProgram } from "../../src/plan/compile.ts";
import type { ProgramPlan } from "../../src/plan/plan.ts";
import { createTask, PINNED_STORES } from "../../src/runtime/task.ts";
import type { InputRecord } from "../../src/runtime/task-api.ts";
import { createCachedRocksDbStores } from "../../src/state/cached-rocksdb-stores.ts";
import { createMemoryTaskStores } from "../../src/state/memory-stores.ts";

export const SCALE_RULES = `
stream payments from topic "payments"
  key card_id
  format json
  schema { card_id: string, amount: float, ts: timestamp }
  event time ts, lateness 0s

table cards from topic "cards"
  key card_id
  format json
  schema { card_id: string, limit: float, country: string }

rule over_limit
  from payments
  join table cards
  where amount > cards.limit
  emit to "alerts" { rule: "over_limit", card_id, amount, limit: cards.limit, at: ts }

rule busy_day
  from payments
  partition by card_id
  window tumbling 1d
  aggregate count() as n, sum(amount) as total
  having n >= 3
  emit final to "alerts" { rule: "busy_day", card_id, n, total, at: window_end }
`;

export interface ScaleResult {
  readonly mode: string;
  readonly keys: number;
  readonly payments: number;
  readonly outputs: number;
  readonly sha256: string;
  readonly seconds: number;
  readonly eventsPerSecond: number;
  readonly peakRssMb: number;
  /** JSON bytes of the table rows alone (a lower bound of the state's size). */
  readonly tableBytes: number;
  readonly cache?: Record<string, number>;
}

function plan(): ProgramPlan {
  const r = compileProgram([{ path: "scale.vigil", text: SCALE_RULES }]);
  if (r.plan === null) throw new Error(`scale rules do not compile: ${JSON.stringify(r.diagnostics)}`);
  return r.plan;
}

// A small deterministic generator (mulberry32), so both modes see the same input.
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 1);
const BATCH = 2_000;

export async function runScale(
  keys: number,
  payments: number,
  mode: "memory" | "cached",
  cacheMb = 20,
): Promise<ScaleResult> {
  const dir = mkdtempSync(join(tmpdir(), "vigil-scale-"));
  const stores =
    mode === "memory"
      ? createMemoryTaskStores()
      : createCachedRocksDbStores(dir, { cacheBytes: cacheMb * 1024 * 1024, pinned: PINNED_STORES });
  const task = await createTask({
    id: "scale",
    plan: plan(),
    stores,
    partitions: [
      { topic: "payments", partition: 0 },
      { topic: "cards", partition: 0 },
    ],
  });
  const hash = createHash("sha256");
  let outputs = 0;
  const collect = (): void => {
    for (const o of task.drain({ changes: false }).outputs) {
      hash.update(`${o.topic}|${o.key}|${o.timestamp}|${JSON.stringify(o.value)}\n`);
      outputs++;
    }
  };
  const started = performance.now();
  let batch: InputRecord[] = [];
  const flush = async (): Promise<void> => {
    await task.process(batch);
    batch = [];
    collect();
    await task.commit();
  };
  // Cards and payments interleave in event time (each card row comes over the first day), so the
  // merge releases as it goes, as it would on a live topic pair.
  const rnd = random(42);
  const cardsPerPayment = keys / payments;
  let card = 0;
  let cardsEnded = false;
  let tableBytes = 0;
  for (let i = 0; i < payments; i++) {
    const ts = T0 + Math.floor((i / payments) * 3 * DAY);
    for (; card < Math.min(keys, (i + 1) * cardsPerPayment * 3); card++) {
      const id = `c${card}`;
      const value = JSON.stringify({
        card_id: id,
        limit: 100 + (card % 900),
        country: card % 7 === 0 ? "FR" : "DE",
      });
      batch.push({ topic: "cards", partition: 0, offset: card, key: id, value, timestamp: ts });
      tableBytes += id.length + value.length;
    }
    if (card === keys && !cardsEnded) {
      await flush();
      await task.endPartition("cards", 0);
      cardsEnded = true;
    }
    const id = `c${Math.floor(rnd() * keys)}`;
    const value = JSON.stringify({ card_id: id, amount: Math.round(rnd() * 100_000) / 100, ts });
    batch.push({ topic: "payments", partition: 0, offset: i, key: id, value, timestamp: ts });
    if (batch.length >= BATCH) await flush();
  }
  await flush();
  await task.finish();
  collect();
  await task.commit();
  const seconds = (performance.now() - started) / 1000;
  const cache = task.stats().stateCache;
  await task.close();
  rmSync(dir, { recursive: true, force: true });
  return {
    mode,
    keys,
    payments,
    outputs,
    sha256: hash.digest("hex"),
    seconds: Math.round(seconds * 10) / 10,
    eventsPerSecond: Math.round((keys + payments) / seconds),
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    tableBytes,
    ...(cache ? { cache: { ...cache } } : {}),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [keys, payments, mode, mb] = process.argv.slice(2);
  const result = await runScale(
    Number(keys),
    Number(payments),
    mode === "cached" ? "cached" : "memory",
    Number(mb ?? 20),
  );
  console.log(JSON.stringify(result));
}

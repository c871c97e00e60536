// Benchmarks: joins, Vigil through its real per-record path (one task: decode -> merge of both
// inputs -> join operator -> sink, memory stores; workloads/task-driver.ts) against hand-written
// Map-based loops over the same JSON lines, in the same process:
//   stream-stream: payments x authorizations of the same card at most 10 s apart (either first);
//   stream-table: payments enriched with their card's latest row of a changelog table (every card
//     at the start, then an update per 100 payments interleaved by time).
// Every run's output is checked against the baseline's (count and an order-independent checksum of
// every joined record), so a wrong answer fails the bench run. Sizes scale with VIGIL_BENCH_EVENTS
// (default 1M): the stream-stream join reads a twentieth of it over 500 cards (the same records per
// card per minute as 10k cards at 1 per ms), the stream-table join a fifth of it over 10k cards.
import { resolve } from "node:path";
import type { OutputRecord } from "../../src/core/record.ts";
import type { InputRecord } from "../../src/runtime/task-api.ts";
import type { BenchRow } from "./measure.ts";
import { Checksum, expectSame } from "./workloads/checksum.ts";
import { benchEvents, cardId, cents, generatePayments, type Payment, Prng } from "./workloads/payments.ts";
import { compileOrThrow, inputRecords, runTask, type TaskRun } from "./workloads/task-driver.ts";
import { benchRuns, coldWarm, timedRows, warmOnly } from "./workloads/timing.ts";

const WORKLOADS = resolve(import.meta.dirname, "workloads");
const WITHIN = 10_000;
const COUNTRIES = ["NL", "BE", "DE", "FR", "GB", "ES", "IT", "US"] as const;

/** A joined record as both sides report it. */
type Joined = readonly (string | number)[];

/** One input record of a merged, time-ordered sequence: which topic, and its JSON line. */
export interface Tagged {
  readonly topic: string;
  readonly line: string;
}

interface Authorization {
  readonly auth_id: string;
  readonly card_id: string;
  readonly merchant: string;
  readonly ts: number;
}

interface CardRow {
  readonly card_id: string;
  readonly home_country: string;
  readonly credit_limit: number;
}

/** What a suite case reads: the merged sequence (baselines) and the per-topic records (Vigil). */
export interface JoinData {
  readonly merged: readonly Tagged[];
  readonly inputs: ReadonlyMap<string, readonly InputRecord[]>;
}

function checksumOf(rows: readonly Joined[]): Checksum {
  const c = new Checksum();
  for (const r of rows) c.add(...r);
  return c;
}

// ---- stream-stream -----------------------------------------------------------------------------

/**
 * `events` records, half payments and half authorizations at random, on `cards` cards, about one
 * record per card per 10 s (so each payment meets about one authorization).
 */
export function streamJoinData(events: number, cards: number): JoinData {
  const step = Math.round((2 * 10_000) / cards); // steps of 0..step ms: mean step / 2 = 10 s / cards
  const rng = new Prng(2);
  const payments: Payment[] = [];
  const auths: Authorization[] = [];
  const merged: Tagged[] = [];
  let ts = Date.UTC(2026, 0, 1);
  for (let i = 0; i < events; i++) {
    ts += rng.below(step + 1);
    const card_id = cardId(rng.below(cards));
    const merchant = `m${rng.below(500)}`;
    if (rng.below(2) === 0) {
      const p: Payment = {
        payment_id: `p${payments.length}`,
        card_id,
        amount: (50 + rng.below(30_000)) / 100,
        merchant,
        country: COUNTRIES[rng.below(COUNTRIES.length)] as string,
        ts,
      };
      payments.push(p);
      merged.push({ topic: "payments", line: JSON.stringify(p) });
    } else {
      const a: Authorization = { auth_id: `a${auths.length}`, card_id, merchant, ts };
      auths.push(a);
      merged.push({ topic: "authorizations", line: JSON.stringify(a) });
    }
  }
  const records = (topic: string, rows: readonly (Payment | Authorization)[]) =>
    inputRecords(
      topic,
      rows.map((r) => JSON.stringify(r)),
      rows.map((r) => r.card_id),
      rows.map((r) => r.ts),
    );
  return {
    merged,
    inputs: new Map([
      ["payments", records("payments", payments)],
      ["authorizations", records("authorizations", auths)],
    ]),
  };
}

/**
 * The hand-written stream-stream join: per card, each side's records of the last 10 s (older ones
 * can meet no later record: time only increases); a record meets every record of the other side
 * still kept.
 */
function streamJoinLoop(merged: readonly Tagged[]): Joined[] {
  interface Side {
    readonly payments: Payment[];
    readonly auths: Authorization[];
  }
  const byCard = new Map<string, Side>();
  const out: Joined[] = [];
  const expire = <T extends { ts: number }>(rows: T[], ts: number): void => {
    let n = 0;
    while (n < rows.length && rows[n]!.ts < ts - WITHIN) n++;
    if (n > 0) rows.splice(0, n);
  };
  for (const { topic, line } of merged) {
    const row = JSON.parse(line) as Payment | Authorization;
    let side = byCard.get(row.card_id);
    if (side === undefined) byCard.set(row.card_id, (side = { payments: [], auths: [] }));
    if (topic === "payments") {
      const p = row as Payment;
      expire(side.auths, p.ts);
      for (const a of side.auths) out.push([p.card_id, p.payment_id, a.auth_id, cents(p.amount)]);
      side.payments.push(p);
    } else {
      const a = row as Authorization;
      expire(side.payments, a.ts);
      for (const p of side.payments) out.push([p.card_id, p.payment_id, a.auth_id, cents(p.amount)]);
      side.auths.push(a);
    }
  }
  return out;
}

const fromStreamJoin = (v: OutputRecord["value"]): Joined => [
  v["card_id"] as string,
  v["payment_id"] as string,
  v["auth_id"] as string,
  cents(v["amount"] as number),
];

// ---- stream-table ------------------------------------------------------------------------------

/** Every card once (log time 0), then `events` payments with a card update per 100 payments, merged by time (a table record first on a tie, as Vigil's merge orders topics). */
function tableJoinData(events: number, cards: number): JoinData {
  const rng = new Prng(3);
  const row = (i: number): CardRow => ({
    card_id: cardId(i),
    home_country: COUNTRIES[rng.below(COUNTRIES.length)] as string,
    credit_limit: 500 + 100 * rng.below(50),
  });
  const initial = Array.from({ length: cards }, (_, i) => row(i));
  const payments = generatePayments({ events, cards, seed: 3, maxStepMs: 2 });
  const updates: { row: CardRow; ts: number }[] = [];
  for (let i = 0; i < events; i += 100) updates.push({ row: row(rng.below(cards)), ts: payments[i]!.ts });
  const tableRows = [...initial.map((r) => ({ row: r, ts: 0 })), ...updates];
  const merged: Tagged[] = [];
  let u = 0;
  for (const p of payments) {
    while (u < tableRows.length && tableRows[u]!.ts <= p.ts)
      merged.push({ topic: "cards", line: JSON.stringify(tableRows[u++]!.row) });
    merged.push({ topic: "payments", line: JSON.stringify(p) });
  }
  for (; u < tableRows.length; u++) merged.push({ topic: "cards", line: JSON.stringify(tableRows[u]!.row) });
  return {
    merged,
    inputs: new Map([
      [
        "payments",
        inputRecords(
          "payments",
          payments.map((p) => JSON.stringify(p)),
          payments.map((p) => p.card_id),
          payments.map((p) => p.ts),
        ),
      ],
      [
        "cards",
        inputRecords(
          "cards",
          tableRows.map((t) => JSON.stringify(t.row)),
          tableRows.map((t) => t.row.card_id),
          tableRows.map((t) => t.ts),
        ),
      ],
    ]),
  };
}

/** The hand-written stream-table join: a Map of each card's latest row; a payment without one is dropped. */
function tableJoinLoop(merged: readonly Tagged[]): Joined[] {
  const cards = new Map<string, CardRow>();
  const out: Joined[] = [];
  for (const { topic, line } of merged) {
    if (topic === "cards") {
      const c = JSON.parse(line) as CardRow;
      cards.set(c.card_id, c);
      continue;
    }
    const p = JSON.parse(line) as Payment;
    const c = cards.get(p.card_id);
    if (c !== undefined) out.push([p.payment_id, p.card_id, cents(p.amount), c.home_country, c.credit_limit]);
  }
  return out;
}

const fromTableJoin = (v: OutputRecord["value"]): Joined => [
  v["payment_id"] as string,
  v["card_id"] as string,
  cents(v["amount"] as number),
  v["home"] as string,
  v["credit_limit"] as number,
];

// ---- the suite ---------------------------------------------------------------------------------

interface JoinCase {
  readonly name: string;
  readonly file: string;
  /** Input events and cards (the stream-stream join, costlier per record, runs on fewer of both). */
  readonly events: number;
  readonly cards: number;
  readonly data: (events: number, cards: number) => JoinData;
  readonly loop: (merged: readonly Tagged[]) => Joined[];
  readonly fromVigil: (v: OutputRecord["value"]) => Joined;
}

const CASES: readonly JoinCase[] = [
  {
    name: "stream-stream, payments x authorizations within 10s per card",
    file: "stream-join.vigil",
    events: 1 / 20,
    cards: 500,
    data: streamJoinData,
    loop: streamJoinLoop,
    fromVigil: fromStreamJoin,
  },
  {
    name: "stream-table, payments x latest card row (changelog, 1 update per 100 payments)",
    file: "table-join.vigil",
    events: 1 / 5,
    cards: 10_000,
    data: tableJoinData,
    loop: tableJoinLoop,
    fromVigil: fromTableJoin,
  },
];

async function runCase(c: JoinCase, base: number, runs: number): Promise<BenchRow[]> {
  const plan = compileOrThrow([resolve(WORKLOADS, c.file)]);
  const events = Math.max(1000, Math.round(base * c.events));
  const cards = Math.max(10, Math.round((c.cards * base) / 1_000_000));
  const data = c.data(events, cards);
  const units = data.merged.length;
  const expected = checksumOf(c.loop(data.merged));
  const baseline = await warmOnly(
    "JSON.parse + Map loop",
    units,
    5,
    () => c.loop(data.merged),
    (out) => expectSame(`${c.name}, baseline`, checksumOf(out), expected),
  );
  const vigilCheck = (r: TaskRun): void => {
    if (r.deadLetters.length > 0)
      throw new Error(
        `${c.name}: Vigil wrote ${r.deadLetters.length} dead letters (${r.deadLetters[0]?.message})`,
      );
    expectSame(`${c.name}, Vigil`, checksumOf(r.outputs.map((o) => c.fromVigil(o.value))), expected);
  };
  const vigil = await coldWarm("Vigil, one task", units, runs, () => runTask(plan, data.inputs), vigilCheck);
  console.error(`  ${c.name}: ${expected} (agreed by every run)`);
  const suite = `Joins: ${c.name} (${units.toLocaleString("en-US")} input records, ${cards.toLocaleString("en-US")} cards, ${expected.count.toLocaleString("en-US")} joined)`;
  return timedRows(suite, "input records/CPU-s", baseline, vigil);
}

/** Runs the suite: stream-stream over 50k records and 500 cards, stream-table over 200k payments and 10k cards (scaled by VIGIL_BENCH_EVENTS / 1M). */
export async function joins(): Promise<BenchRow[]> {
  const events = benchEvents(1_000_000);
  const runs = benchRuns(4);
  const rows: BenchRow[] = [];
  for (const c of CASES) rows.push(...(await runCase(c, events, runs)));
  return rows;
}

// Benchmarks: window aggregation per card over generated payments (workloads/payments.ts), Vigil
// through its real per-record path (one task: decode -> merge -> window operator -> sink, memory
// stores, commits every 10k records; workloads/task-driver.ts) against hand-written loops doing the
// same aggregation over the same JSON lines in the same process. Every run's output is checked
// against the baseline's (count and an order-independent checksum of every window), so a wrong
// answer fails the bench run.
//   tumbling 1m count + sum per card: 1M events (VIGIL_BENCH_EVENTS shrinks it), baselines a Map
//     loop doing JSON.parse per event and a Map loop over pre-parsed objects;
//   hopping 1m advance 10s, sliding 1m, session gap 10s: a twentieth of the events over a twentieth
//     of the cards at a twentieth of the rate (so the same time span and the same payments per card
//     per minute; these windows cost Vigil several times more per event), each against its own
//     JSON.parse + Map loop.
import { resolve } from "node:path";
import type { OutputRecord } from "../../src/core/record.ts";
import type { ProgramPlan } from "../../src/plan/plan.ts";
import type { InputRecord } from "../../src/runtime/task-api.ts";
import type { BenchRow } from "./measure.ts";
import { Checksum, expectSame } from "./workloads/checksum.ts";
import { benchEvents, cents, generatePayments, type Payment } from "./workloads/payments.ts";
import { compileOrThrow, inputRecords, runTask, type TaskRun } from "./workloads/task-driver.ts";
import { benchRuns, coldWarm, type Timing, timedRows, warmOnly } from "./workloads/timing.ts";

const WORKLOADS = resolve(import.meta.dirname, "workloads");
const SIZE = 60_000;
const ADVANCE = 10_000;
const GAP = 10_000;
const CARDS = 10_000;
/** The hopping, sliding and session data: this many times fewer events, cards and events per ms. */
const SHRINK = 20;

/** A window as both sides report it: card, then the window's identity and aggregates. */
type Window = readonly (string | number)[];

/** The aggregation of one window kind as a hand-written loop: add events in time order, then finish. */
interface Loop {
  add(card: string, ts: number, amount: number): void;
  finish(): Window[];
}

/** Tumbling: the card's current window; a payment in a later window closes it. */
function tumblingLoop(): Loop {
  const open = new Map<string, { start: number; n: number; sum: number }>();
  const out: Window[] = [];
  return {
    add(card, ts, amount) {
      const start = ts - (ts % SIZE);
      const w = open.get(card);
      if (w === undefined) open.set(card, { start, n: 1, sum: amount });
      else if (w.start === start) {
        w.n++;
        w.sum += amount;
      } else {
        out.push([card, w.start, w.n, cents(w.sum)]);
        w.start = start;
        w.n = 1;
        w.sum = amount;
      }
    },
    finish() {
      for (const [card, w] of open) out.push([card, w.start, w.n, cents(w.sum)]);
      return out;
    },
  };
}

/** Hopping: the card's open windows in start order (contiguous starts); ended ones are emitted first. */
function hoppingLoop(): Loop {
  const open = new Map<string, { start: number; n: number; sum: number }[]>();
  const out: Window[] = [];
  return {
    add(card, ts, amount) {
      let ws = open.get(card);
      if (ws === undefined) open.set(card, (ws = []));
      let ended = 0;
      while (ended < ws.length && ws[ended]!.start + SIZE <= ts) {
        const w = ws[ended++]!;
        out.push([card, w.start, w.n, cents(w.sum)]);
      }
      if (ended > 0) ws.splice(0, ended);
      let j = 0;
      for (let s = Math.floor((ts - SIZE) / ADVANCE) * ADVANCE + ADVANCE; s <= ts; s += ADVANCE, j++) {
        const w = ws[j];
        if (w === undefined) ws.push({ start: s, n: 1, sum: amount });
        else {
          w.n++;
          w.sum += amount;
        }
      }
    },
    finish() {
      for (const [card, ws] of open) for (const w of ws) out.push([card, w.start, w.n, cents(w.sum)]);
      return out;
    },
  };
}

/**
 * Sliding: one window (t - 1m, t] per payment, over the card's recent payments (a running sum); the
 * windows of the payments at the card's latest time are emitted once a later payment (or the end)
 * shows no more payments at that time can come, so a window holds every payment at its end time.
 */
function slidingLoop(): Loop {
  interface Card {
    times: number[];
    amounts: number[];
    head: number;
    sum: number;
    pending: number;
  }
  const cards = new Map<string, Card>();
  const out: Window[] = [];
  const flush = (card: string, c: Card): void => {
    const t = c.times[c.times.length - 1]!;
    while (c.times[c.head]! <= t - SIZE) c.sum -= c.amounts[c.head++]!;
    const n = c.times.length - c.head;
    for (let i = c.pending; i < c.times.length; i++) out.push([card, t, n, cents(c.sum)]);
    c.pending = c.times.length;
    if (c.head > 64 && c.head * 2 > c.times.length) {
      c.times.splice(0, c.head);
      c.amounts.splice(0, c.head);
      c.pending -= c.head;
      c.head = 0;
    }
  };
  return {
    add(card, ts, amount) {
      let c = cards.get(card);
      if (c === undefined) cards.set(card, (c = { times: [], amounts: [], head: 0, sum: 0, pending: 0 }));
      else if (c.pending < c.times.length && c.times[c.times.length - 1]! < ts) flush(card, c);
      c.times.push(ts);
      c.amounts.push(amount);
      c.sum += amount;
    },
    finish() {
      for (const [card, c] of cards) if (c.pending < c.times.length) flush(card, c);
      return out;
    },
  };
}

/** Session: the card's current session [first, last + gap); a payment gap or more after it starts the next. */
function sessionLoop(): Loop {
  const open = new Map<string, { s: number; e: number; n: number; sum: number }>();
  const out: Window[] = [];
  return {
    add(card, ts, amount) {
      const w = open.get(card);
      if (w === undefined) open.set(card, { s: ts, e: ts, n: 1, sum: amount });
      else if (ts - w.e < GAP) {
        w.e = ts;
        w.n++;
        w.sum += amount;
      } else {
        out.push([card, w.s, w.e + GAP, w.n, cents(w.sum)]);
        w.s = ts;
        w.e = ts;
        w.n = 1;
        w.sum = amount;
      }
    },
    finish() {
      for (const [card, w] of open) out.push([card, w.s, w.e + GAP, w.n, cents(w.sum)]);
      return out;
    },
  };
}

function overJson(loop: () => Loop, lines: readonly string[]): Window[] {
  const l = loop();
  for (const line of lines) {
    const p = JSON.parse(line) as Payment;
    l.add(p.card_id, p.ts, p.amount);
  }
  return l.finish();
}

function overObjects(loop: () => Loop, payments: readonly Payment[]): Window[] {
  const l = loop();
  for (const p of payments) l.add(p.card_id, p.ts, p.amount);
  return l.finish();
}

function checksumOf(windows: readonly Window[]): Checksum {
  const c = new Checksum();
  for (const w of windows) c.add(...w);
  return c;
}

interface WindowKind {
  readonly name: string;
  readonly file: string;
  readonly loop: () => Loop;
  /** Vigil's output row as the loop's window tuple. */
  readonly fromVigil: (v: OutputRecord["value"]) => Window;
}

const num = (v: unknown): number => v as number;

const KINDS: readonly WindowKind[] = [
  {
    name: "tumbling 1m",
    file: "tumbling.vigil",
    loop: tumblingLoop,
    fromVigil: (v) => [v["card_id"] as string, num(v["start"]), num(v["n"]), cents(num(v["total"]))],
  },
  {
    name: "hopping 1m advance 10s",
    file: "hopping.vigil",
    loop: hoppingLoop,
    fromVigil: (v) => [v["card_id"] as string, num(v["start"]), num(v["n"]), cents(num(v["total"]))],
  },
  {
    name: "sliding 1m",
    file: "sliding.vigil",
    loop: slidingLoop,
    fromVigil: (v) => [v["card_id"] as string, num(v["end"]), num(v["n"]), cents(num(v["total"]))],
  },
  {
    name: "session gap 10s",
    file: "session.vigil",
    loop: sessionLoop,
    fromVigil: (v) => [
      v["card_id"] as string,
      num(v["start"]),
      num(v["end"]),
      num(v["n"]),
      cents(num(v["total"])),
    ],
  },
];

interface Data {
  readonly cards: number;
  readonly payments: Payment[];
  readonly lines: string[];
  readonly inputs: ReadonlyMap<string, readonly InputRecord[]>;
}

/** `events` payments over `cards` cards, `1 / scale` of the full rate (steps of 0..2 * scale ms). */
function makeData(events: number, cards: number, scale: number): Data {
  const payments = generatePayments({ events, cards, seed: 1, maxStepMs: 2 * scale });
  const lines = payments.map((p) => JSON.stringify(p));
  const records = inputRecords(
    "payments",
    lines,
    payments.map((p) => p.card_id),
    payments.map((p) => p.ts),
  );
  return { cards, payments, lines, inputs: new Map([["payments", records]]) };
}

/** One window kind: the baseline loops, then Vigil cold and warm, every output checked. */
async function runKind(kind: WindowKind, data: Data, runs: number, big: boolean): Promise<BenchRow[]> {
  const baselineRuns = big ? 3 : 5;
  const plan: ProgramPlan = compileOrThrow([resolve(WORKLOADS, kind.file)]);
  const events = data.lines.length;
  const expected = checksumOf(overJson(kind.loop, data.lines));
  const check = (what: string) => (w: Window[]) =>
    expectSame(`${kind.name}, ${what}`, checksumOf(w), expected);
  const baseline = await warmOnly(
    "JSON.parse + Map loop",
    events,
    baselineRuns,
    () => overJson(kind.loop, data.lines),
    check("JSON.parse loop"),
  );
  const extra: Timing[] = [];
  if (big)
    extra.push(
      await warmOnly(
        "Map loop over pre-parsed objects",
        events,
        baselineRuns,
        () => overObjects(kind.loop, data.payments),
        check("pre-parsed loop"),
      ),
    );
  const vigilCheck = (r: TaskRun): void => {
    if (r.deadLetters.length > 0)
      throw new Error(
        `${kind.name}: Vigil wrote ${r.deadLetters.length} dead letters (${r.deadLetters[0]?.message})`,
      );
    const c = new Checksum();
    for (const o of r.outputs) c.add(...kind.fromVigil(o.value));
    expectSame(`${kind.name}, Vigil`, c, expected);
  };
  const vigil = await coldWarm("Vigil, one task", events, runs, () => runTask(plan, data.inputs), vigilCheck);
  console.error(`  ${kind.name}: ${expected} (agreed by every run)`);
  const suite = `Windows: ${kind.name}, count + sum per card (${events.toLocaleString("en-US")} events, ${data.cards.toLocaleString("en-US")} cards, ${expected.count.toLocaleString("en-US")} windows)`;
  return timedRows(suite, "events/CPU-s", baseline, [...extra, ...vigil]);
}

/** Runs the suite: tumbling over the full event count, the other kinds over a twentieth of it. */
export async function windows(): Promise<BenchRow[]> {
  const events = benchEvents(1_000_000);
  const runs = benchRuns(4);
  const rows: BenchRow[] = [];
  const big = makeData(events, CARDS, 1);
  console.error(`  data: ${events} payments, ${CARDS} cards, ${big.lines[0]?.length} bytes per line`);
  rows.push(...(await runKind(KINDS[0]!, big, runs, true)));
  const part = makeData(Math.max(1000, Math.round(events / SHRINK)), CARDS / SHRINK, SHRINK);
  for (const kind of KINDS.slice(1)) rows.push(...(await runKind(kind, part, runs, false)));
  return rows;
}

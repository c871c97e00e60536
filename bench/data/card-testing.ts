// Benchmarks: a deterministic generator of card payments for the card-testing pattern suite
// (bench/suites/patterns.ts). One seed gives the same events on every machine and every Node
// version (its own PRNG, integer arithmetic only where it matters), written once as JSONL under
// .cache/bench/ so that Vigil and the Java peers (Esper, Flink CEP) read the very same file.
//
// Shape: N payments over C cards in increasing event time (1 ms to a few s apart, strictly
// increasing, so there are no ties to break). Each card has a few usual merchants. Background
// amounts are mostly 2..500, with a small share under 2 (a "test" charge) and a smaller share over
// 500. On top of that, card-testing incidents are injected: a small charge at an unusual merchant,
// then, 30 s to 15 min later, a big one, mostly at another merchant (sometimes at the same one, and
// sometimes after the 10-minute window: cases the pattern must reject).
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

export interface CardTestingOptions {
  readonly seed: number;
  readonly events: number;
  readonly cards: number;
  readonly merchants: number;
  /** Share of background payments under 2 (the pattern's first step). */
  readonly smallShare: number;
  /** Share of background payments over 500 (the pattern's second step, before the merchant test). */
  readonly bigShare: number;
  /** Probability per event that a card-testing incident starts. */
  readonly incidentRate: number;
  /** Mean gap between consecutive events (ms); gaps are 1 ms or more. */
  readonly meanGapMs: number;
  /** Event time of the first event (epoch ms). */
  readonly startMs: number;
}

export const CARD_TESTING_DEFAULTS: CardTestingOptions = {
  seed: 12,
  events: 1_000_000,
  cards: 10_000,
  merchants: 5_000,
  smallShare: 0.01,
  bigShare: 0.005,
  incidentRate: 0.0004,
  meanGapMs: 80,
  startMs: Date.UTC(2026, 0, 1),
};

/** One payment, as written to the file (JSON, one per line). */
export interface Payment {
  readonly payment_id: string;
  readonly card_id: string;
  readonly amount: number;
  readonly merchant: string;
  /** Event time, epoch ms. */
  readonly ts: number;
}

/** mulberry32: a 32-bit state PRNG; returns floats in [0, 1). Deterministic across platforms. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pad = (n: number, width: number): string => String(n).padStart(width, "0");

/** Amounts in cents, so every amount is an exact two-decimal number in JSON. */
const cents = (c: number): number => Math.round(c) / 100;

interface Scheduled {
  readonly due: number;
  readonly card: number;
  readonly merchant: number;
  readonly amountCents: number;
}

/** Generates the payments in event-time order. */
export function* generatePayments(opts: CardTestingOptions): Generator<Payment> {
  const rnd = mulberry32(opts.seed);
  const int = (n: number): number => Math.floor(rnd() * n);
  const usual = (card: number, i: number): number => (card * 7919 + i * 104_729) % opts.merchants;
  // Incident follow-ups waiting for their time, kept sorted by due time (few at a time).
  const pending: Scheduled[] = [];
  let t = opts.startMs;
  for (let i = 0; i < opts.events; i++) {
    // Exponential gaps (mean meanGapMs), at least 1 ms.
    t += 1 + Math.floor(-Math.log(1 - rnd()) * (opts.meanGapMs - 1));
    let card: number;
    let merchant: number;
    let amountCents: number;
    const due = pending[0];
    if (due !== undefined && due.due <= t) {
      pending.shift();
      ({ card, merchant, amountCents } = due);
    } else if (rnd() < opts.incidentRate) {
      // A card-testing incident: a tiny charge at an unusual merchant now...
      card = int(opts.cards);
      merchant = int(opts.merchants);
      amountCents = 1 + int(199);
      // ... then a big one 30 s to 15 min later: 80% at another merchant, 20% at the same one.
      const delay = 30_000 + int(870_000);
      const bigMerchant = rnd() < 0.8 ? (merchant + 1 + int(opts.merchants - 1)) % opts.merchants : merchant;
      const follow = { due: t + delay, card, merchant: bigMerchant, amountCents: 50_001 + int(250_000) };
      const at = pending.findIndex((p) => p.due > follow.due);
      pending.splice(at < 0 ? pending.length : at, 0, follow);
    } else {
      card = int(opts.cards);
      merchant = rnd() < 0.8 ? usual(card, int(4)) : int(opts.merchants);
      const kind = rnd();
      if (kind < opts.smallShare) amountCents = 1 + int(199);
      else if (kind < opts.smallShare + opts.bigShare) amountCents = 50_001 + int(250_000);
      else amountCents = Math.round(200 * Math.exp(rnd() * Math.log(250)));
    }
    yield {
      payment_id: `p${pad(i, 8)}`,
      card_id: `c${pad(card, 5)}`,
      amount: cents(amountCents),
      merchant: `m${pad(merchant, 5)}`,
      ts: t,
    };
  }
}

/** The options' fingerprint, part of the cached file's name (a change of options makes a new file). */
export function optionsTag(opts: CardTestingOptions): string {
  return createHash("sha256").update(JSON.stringify(opts)).digest("hex").slice(0, 12);
}

/**
 * Writes the events to `path` as JSONL unless a complete file is already there (it is written to
 * a temporary name and renamed, so a crash never leaves a truncated file under the final name).
 * Returns the path and the number of lines.
 */
export function ensureEventsFile(path: string, opts: CardTestingOptions): { path: string; events: number } {
  if (existsSync(path)) return { path, events: countLines(path) };
  mkdirSync(dirname(path), { recursive: true });
  const lines: string[] = [];
  for (const p of generatePayments(opts)) lines.push(JSON.stringify(p));
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${lines.join("\n")}\n`);
  renameSync(tmp, path);
  return { path, events: lines.length };
}

function countLines(path: string): number {
  const text = readFileSync(path, "utf8");
  let n = 0;
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) n++;
  return n;
}

// `node --import tsx bench/data/card-testing.ts <out.jsonl> [events] [smallShare]`: writes a file.
if (import.meta.filename === process.argv[1]) {
  const [out, events, smallShare] = process.argv.slice(2);
  if (out === undefined) throw new Error("usage: card-testing.ts <out.jsonl> [events] [smallShare]");
  const opts = {
    ...CARD_TESTING_DEFAULTS,
    ...(events ? { events: Number(events) } : {}),
    ...(smallShare ? { smallShare: Number(smallShare) } : {}),
  };
  console.log(ensureEventsFile(out, opts));
}

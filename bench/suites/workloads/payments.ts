// Benchmarks, shared data: a deterministic payment-event generator with its own PRNG (sfc32 seeded
// by splitmix32), so every suite and baseline reads the same bytes on every machine. Event time
// increases (never decreases) from an aligned start, so no record is ever late.

/** sfc32, seeded through splitmix32: a small, fast 32-bit PRNG; same seed, same sequence. */
export class Prng {
  private a: number;
  private b: number;
  private c: number;
  private d = 1;

  constructor(seed: number) {
    this.a = splitmix32(seed >>> 0);
    this.b = splitmix32(this.a ^ 0x5bd1e995);
    this.c = splitmix32(this.b ^ 0x1b873593);
    for (let i = 0; i < 12; i++) this.next();
  }

  /** The next 32-bit unsigned value. */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** A whole number in [0, n). */
  below(n: number): number {
    return Math.floor((this.next() / 4294967296) * n);
  }
}

function splitmix32(x: number): number {
  let z = (x + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** One payment as the suites' `payments` stream declares it (bench/suites/workloads/payments.vigil). */
export interface Payment {
  readonly payment_id: string;
  readonly card_id: string;
  /** A whole number of cents / 100 (so sums compare exactly once rounded to cents). */
  readonly amount: number;
  readonly merchant: string;
  readonly country: string;
  /** Epoch ms. */
  readonly ts: number;
}

/** 2026-01-01T00:00:00Z: aligned to every window size used (1 min, 10 s). */
export const START_MS = Date.UTC(2026, 0, 1);

export interface PaymentOptions {
  readonly events: number;
  readonly cards: number;
  readonly seed: number;
  /** Largest step of event time between consecutive events, ms (steps are uniform in 0..max). */
  readonly maxStepMs: number;
}

const COUNTRIES = ["NL", "BE", "DE", "FR", "GB", "ES", "IT", "US"] as const;

/** The card id of card number i (`c00042`). */
export function cardId(i: number): string {
  return `c${String(i).padStart(5, "0")}`;
}

/**
 * `events` payments over `cards` cards (uniform), event time stepping by 0..maxStepMs ms (mean
 * maxStepMs / 2), amounts 0.50 .. 300.49 with a 2% tail up to 3000, 500 merchants, 8 countries.
 * With 1M events, 10k cards and steps of 0..2 ms: about 17 minutes of event time, about 100 payments
 * per card, about 6 per card per minute.
 */
export function generatePayments(o: PaymentOptions): Payment[] {
  const rng = new Prng(o.seed);
  const out: Payment[] = new Array(o.events);
  let ts = START_MS;
  for (let i = 0; i < o.events; i++) {
    ts += rng.below(o.maxStepMs + 1);
    const big = rng.below(50) === 0;
    const cents = big ? 30_000 + rng.below(270_000) : 50 + rng.below(30_000);
    out[i] = {
      payment_id: `p${i}`,
      card_id: cardId(rng.below(o.cards)),
      amount: cents / 100,
      merchant: `m${rng.below(500)}`,
      country: COUNTRIES[rng.below(COUNTRIES.length)] as string,
      ts,
    };
  }
  return out;
}

/** The number of events the suites use: `VIGIL_BENCH_EVENTS` when set (to shrink a run), else `fallback`. */
export function benchEvents(fallback: number): number {
  const raw = process.env["VIGIL_BENCH_EVENTS"];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw.replaceAll("_", ""));
  if (!Number.isInteger(n) || n < 1000)
    throw new Error(`VIGIL_BENCH_EVENTS must be a whole number >= 1000, got '${raw}'`);
  return n;
}

/** Integer cents of an amount (or a sum of amounts) read back from a float. */
export function cents(x: number): number {
  return Math.round(x * 100);
}

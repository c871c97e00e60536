// Fraud example, generator: how records reach the files. Mostly in event-time order, a few arrive
// up to 25 s late (inside the streams' 30 s lateness, so none is dropped), and a handful of broken
// lines exercise the dead-letter path. Everything is a pure function of the seed.
import type { Rng } from "./prng.ts";

/** Share of records delivered out of order, and the most they are delayed by. */
const DELAYED_SHARE = 0.03;
const MAX_DELAY_MS = 25_000;

/** Records in arrival order: event time plus a rare delay of up to 25 s; ties keep creation order. */
export function arrivalOrder<T extends { readonly ts: number }>(rng: Rng, records: readonly T[]): T[] {
  const keyed = records.map((r, i) => ({
    r,
    i,
    arrival: r.ts + (rng.chance(DELAYED_SHARE) ? rng.int(1_000, MAX_DELAY_MS) : 0),
  }));
  keyed.sort((a, b) => a.arrival - b.arrival || a.r.ts - b.r.ts || a.i - b.i);
  return keyed.map((k) => k.r);
}

/** JSON lines, one record each, newline-terminated. */
export function jsonl(records: readonly unknown[]): string {
  return records.length === 0 ? "" : `${records.map((r) => JSON.stringify(r)).join("\n")}\n`;
}

/**
 * Inserts `count` broken lines at random positions: half are not JSON at all (a truncated line:
 * decode error), half break the schema (amount as text, or a required field missing).
 */
export function withBrokenLines(
  rng: Rng,
  lines: readonly string[],
  count: number,
  requiredField: string,
): string[] {
  const out = [...lines];
  for (let i = 0; i < count && lines.length > 0; i++) {
    const source = lines[rng.int(0, lines.length - 1)]!;
    const at = rng.int(0, out.length - 1);
    const broken =
      i % 2 === 0
        ? source.slice(0, Math.max(1, Math.floor(source.length / 2)))
        : JSON.stringify(
            Object.fromEntries(Object.entries(JSON.parse(source)).filter(([k]) => k !== requiredField)),
          );
    out.splice(at + 1, 0, broken);
  }
  return out;
}

// Operators stage (pattern): the order of preference between matches of one key (docs/patterns.md,
// "Order of preference"): it decides which match a skip strategy keeps and the order of emission.
import type { Take } from "./shared-buffer.ts";

/** A match's place in the order, compared element by element (compareKeys). */
export type MatchKey = readonly number[];

/**
 * Start, end, then every take (time, sequence, step). `longest` (a pattern with a `longest` loop):
 * among matches from one start, the one that ends last comes first (the end is negated).
 */
export function matchKey(takes: readonly Take[], longest = false): MatchKey {
  const first = (takes[0] as Take).event;
  const last = (takes[takes.length - 1] as Take).event;
  const key = longest ? [first.ts, first.seq, -last.ts, -last.seq] : [first.ts, first.seq, last.ts, last.seq];
  for (const t of takes) key.push(t.event.ts, t.event.seq, t.step);
  return key;
}

export function compareKeys(a: MatchKey, b: MatchKey): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (a[i] as number) - (b[i] as number);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

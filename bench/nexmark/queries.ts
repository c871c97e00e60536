// Nexmark benchmark: the query list (rule file, streams read, reference, hand-written baseline) and
// the multiset comparison the suite fails on.
import { resolve } from "node:path";
import type { NexmarkStreams } from "./generate.ts";
import type { StreamLines } from "./handwritten.ts";
import * as hand from "./handwritten.ts";
import type { OutRow } from "./reference.ts";
import * as ref from "./reference.ts";

export type StreamName = "persons" | "auctions" | "bids";

export interface NexmarkQuery {
  readonly name: string;
  readonly title: string;
  /** True when the rule is the closest Vigil can write, not the query itself (README.md says why). */
  readonly variant: boolean;
  readonly file: string;
  readonly reads: readonly StreamName[];
  readonly reference: (s: NexmarkStreams) => OutRow[];
  readonly handwritten: (l: StreamLines) => OutRow[];
}

const file = (name: string) => resolve(import.meta.dirname, "queries", `${name}.vigil`);

function query(
  name: string,
  title: string,
  variant: boolean,
  reads: readonly StreamName[],
  reference: NexmarkQuery["reference"],
  handwritten: NexmarkQuery["handwritten"],
): NexmarkQuery {
  return { name, title, variant, file: file(name), reads, reference, handwritten };
}

export const QUERIES: readonly NexmarkQuery[] = [
  query("q0", "pass-through", false, ["bids"], ref.q0, hand.q0),
  query("q1", "currency conversion", false, ["bids"], ref.q1, hand.q1),
  query("q2", "selection", false, ["bids"], ref.q2, hand.q2),
  query("q3", "local item suggestion, 60 s join", true, ["persons", "auctions"], ref.q3, hand.q3),
  query(
    "q3-table",
    "local item suggestion, temporal table join on seller",
    true,
    ["persons", "auctions"],
    ref.q3Table,
    hand.q3Table,
  ),
  query("q4", "winning bid per auction (inner query)", true, ["auctions", "bids"], ref.q4, hand.q4),
  query("q5", "bids per auction per hopping window (inner)", true, ["bids"], ref.q5, hand.q5),
  query("q7", "max price per 10 s window (inner)", true, ["bids"], ref.q7, hand.q7),
  query("q8", "new sellers per 10 s window", false, ["persons", "auctions"], ref.q8, hand.q8),
  query("q11", "bids per bidder session", false, ["bids"], ref.q11, hand.q11),
  query(
    "price-drops",
    "pattern: 3+ price drops then a rise",
    false,
    ["bids"],
    ref.priceDrops,
    hand.priceDrops,
  ),
];

/** A row as canonical JSON: keys sorted, so field order does not matter. */
function canonical(row: OutRow): string {
  return JSON.stringify(Object.fromEntries(Object.entries(row).sort(([a], [b]) => (a < b ? -1 : 1))));
}

/**
 * Compares two multisets of rows; null when equal, else a description of the difference (counts and
 * the first few rows only one side has).
 */
export function diffRows(expected: readonly OutRow[], actual: readonly OutRow[]): string | null {
  const counts = new Map<string, number>();
  for (const r of expected) counts.set(canonical(r), (counts.get(canonical(r)) ?? 0) + 1);
  for (const r of actual) counts.set(canonical(r), (counts.get(canonical(r)) ?? 0) - 1);
  const missing: string[] = [];
  const extra: string[] = [];
  for (const [row, n] of counts) {
    if (n > 0) missing.push(`${n}x ${row}`);
    if (n < 0) extra.push(`${-n}x ${row}`);
  }
  if (missing.length === 0 && extra.length === 0) return null;
  return [
    `expected ${expected.length} rows, got ${actual.length}`,
    `${missing.length} distinct rows missing, e.g. ${missing.slice(0, 3).join("; ")}`,
    `${extra.length} distinct rows unexpected, e.g. ${extra.slice(0, 3).join("; ")}`,
  ].join("\n  ");
}

// End-to-end bench: the deterministic input data (payments, authorizations, a cards table), each
// value a function of its index, and the exact output count each mode must produce on it.
import { partitionForKey } from "../../src/runtime/partitioner.ts";

/** Sizes and shape of one data set. */
export interface DataSpec {
  readonly payments: number;
  readonly cards: number;
  readonly partitions: number;
}

/**
 * 2026-01-01T00:00:00Z: payments span [T0, T0 + 30 min) whatever their number (denser event time
 * with more records), the cards table sits an hour before. A short span keeps Kafka Streams'
 * segmented window stores from opening a new RocksDB segment per store and task for every minute
 * of event time a replay crosses (with 6 hours that alone took minutes).
 */
export const T0 = Date.UTC(2026, 0, 1);
export const SPAN_MS = 30 * 60_000;
export const WINDOW_MS = 5 * 60_000;
export const FILTER_OVER = 900;
export const JOIN_WITHIN_MS = 5_000;
const COUNTRIES = ["NL", "BE", "DE", "FR"];

/** A 32-bit mixer (murmur3's finalizer): the one source of "randomness". */
export function mix32(x: number): number {
  let h = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

const pad = (n: number, width: number): string => String(n).padStart(width, "0");

export const cardOf = (i: number, spec: DataSpec): number => mix32(i * 4 + 1) % spec.cards;
export const cardKey = (card: number): string => `card-${pad(card, 5)}`;
export const amountOf = (i: number): number => (mix32(i * 4 + 2) % 100_000) / 100;
export const paymentTs = (i: number, spec: DataSpec): number =>
  T0 + Math.floor((i * SPAN_MS) / spec.payments);
/** Every tenth payment (by hash) has an authorization 0-3 s after it. */
export const hasAuth = (i: number): boolean => mix32(i * 4 + 3) % 10 === 0;
export const authDelay = (i: number): number => mix32(i * 4 + 4) % 3_000;
/** Cards with an even number are in the table. */
export const inTable = (card: number): boolean => card % 2 === 0;

/** One record to produce: key, JSON value, Kafka timestamp (= the event time), partition. */
export interface Rec {
  readonly key: string;
  readonly value: string;
  readonly ts: number;
  readonly partition: number;
}

/** Payment i: about 85 bytes of JSON. */
export function payment(i: number, spec: DataSpec): Rec {
  const key = cardKey(cardOf(i, spec));
  const ts = paymentTs(i, spec);
  const merchant = `m-${pad(mix32(i * 4 + 5) % 500, 3)}`;
  const value = `{"id":${i},"card_id":"${key}","amount":${amountOf(i)},"merchant":"${merchant}","ts":${ts}}`;
  return { key, value, ts, partition: partitionForKey(key, spec.partitions) };
}

/** The authorizations in event-time order (auth_id = position in that order). */
export function authorizations(spec: DataSpec): Rec[] {
  const raw: { i: number; ts: number }[] = [];
  for (let i = 0; i < spec.payments; i++) {
    if (hasAuth(i)) raw.push({ i, ts: paymentTs(i, spec) + authDelay(i) });
  }
  raw.sort((a, b) => a.ts - b.ts || a.i - b.i);
  return raw.map(({ i, ts }, authId) => {
    const key = cardKey(cardOf(i, spec));
    const value = `{"auth_id":${authId},"card_id":"${key}","payment_id":${i},"ts":${ts}}`;
    return { key, value, ts, partition: partitionForKey(key, spec.partitions) };
  });
}

/** The cards table: one row per even card, timestamped an hour before the first payment. */
export function cardRows(spec: DataSpec): Rec[] {
  const rows: Rec[] = [];
  for (let card = 0; card < spec.cards; card++) {
    if (!inTable(card)) continue;
    const key = cardKey(card);
    const country = COUNTRIES[mix32(card * 7 + 1) % COUNTRIES.length];
    const value = `{"card_id":"${key}","home_country":"${country}","limit":${500 + (card % 10) * 100}}`;
    rows.push({ key, value, ts: T0 - 3_600_000, partition: partitionForKey(key, spec.partitions) });
  }
  return rows;
}

/** Output record counts each mode must produce (read_committed) on this data. */
export interface Expected {
  readonly passthrough: number;
  readonly filter: number;
  readonly window: number;
  readonly "stream-join": number;
  readonly "table-join": number;
}

/** Counts every mode's output by brute force over the generated data. */
export function expectedCounts(spec: DataSpec, auths: readonly Rec[]): Expected {
  let filter = 0;
  let tableJoin = 0;
  const byCard = new Map<number, number[]>();
  const maxTs = new Array<number>(spec.partitions).fill(Number.NEGATIVE_INFINITY);
  const windows = new Set<number>();
  for (let i = 0; i < spec.payments; i++) {
    const card = cardOf(i, spec);
    const ts = paymentTs(i, spec);
    if (amountOf(i) > FILTER_OVER) filter++;
    if (inTable(card)) tableJoin++;
    const list = byCard.get(card);
    if (list === undefined) byCard.set(card, [ts]);
    else list.push(ts);
    const p = partitionForKey(cardKey(card), spec.partitions);
    maxTs[p] = Math.max(maxTs[p]!, ts);
    windows.add(card * 1_000 + Math.floor((ts - T0) / WINDOW_MS));
  }
  return {
    passthrough: spec.payments,
    filter,
    window: closedWindows(windows, maxTs, spec),
    "stream-join": joinPairs(byCard, auths),
    "table-join": tableJoin,
  };
}

/** Windows whose end the partition's final watermark (its largest event time) has reached. */
function closedWindows(windows: Set<number>, maxTs: readonly number[], spec: DataSpec): number {
  let closed = 0;
  for (const w of windows) {
    const card = Math.floor(w / 1_000);
    const end = T0 + ((w % 1_000) + 1) * WINDOW_MS;
    if (end <= maxTs[partitionForKey(cardKey(card), spec.partitions)]!) closed++;
  }
  return closed;
}

/** Pairs (payment, authorization) of one card at most JOIN_WITHIN_MS apart (both ends inclusive). */
function joinPairs(byCard: Map<number, number[]>, auths: readonly Rec[]): number {
  let pairs = 0;
  for (const auth of auths) {
    const card = Number(auth.key.slice(5));
    const times = byCard.get(card) ?? [];
    pairs += lowerBound(times, auth.ts + JOIN_WITHIN_MS + 1) - lowerBound(times, auth.ts - JOIN_WITHIN_MS);
  }
  return pairs;
}

/** First index whose value is >= x in an ascending array. */
function lowerBound(sorted: readonly number[], x: number): number {
  let [lo, hi] = [0, sorted.length];
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

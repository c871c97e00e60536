// State stage: order-preserving string keys for time-keyed state (windows, join buffers, pattern
// buffers) and a time index to find expired entries without scanning every key.
import type { Value } from "../core/value.ts";
import type { KeyValueStore } from "./store.ts";

/** Separates a record key from its encoded time in a window key. */
const SEP = "\u0000";
/** Length of an encoded time: a sign digit and 14 hex digits (2^56 > 2^53). */
export const TIME_WIDTH = 15;
const TWO_53 = 2 ** 53;

/**
 * Encodes a safe-integer time (epoch ms, negatives allowed) as 15 characters whose string order is
 * the numeric order: "1" + 14 hex digits for t >= 0, "0" + 14 hex digits of 2^53 + t for t < 0.
 * @example encodeTime(255) === "1000000000000ff"; encodeTime(-1) < encodeTime(0)
 */
export function encodeTime(time: number): string {
  if (!Number.isSafeInteger(time)) throw new RangeError(`state time must be a safe integer, got ${time}`);
  if (time >= 0) return "1" + time.toString(16).padStart(TIME_WIDTH - 1, "0");
  return "0" + (TWO_53 + time).toString(16).padStart(TIME_WIDTH - 1, "0");
}

/** Inverse of encodeTime. */
export function decodeTime(text: string): number {
  const magnitude = Number.parseInt(text.slice(1), 16);
  if (text.length !== TIME_WIDTH || Number.isNaN(magnitude) || (text[0] !== "0" && text[0] !== "1")) {
    throw new RangeError(`not an encoded time: ${JSON.stringify(text)}`);
  }
  return text[0] === "1" ? magnitude : magnitude - TWO_53;
}

/**
 * The store key of (key, time): all times of one key sort together, in time order.
 * @example windowKey("card-7", 1000) === "card-7\u0000" + encodeTime(1000)
 */
export function windowKey(key: string, time: number): string {
  return key + SEP + encodeTime(time);
}

/** Splits a window key back into its record key and time. */
export function parseWindowKey(storeKey: string): { key: string; time: number } {
  const cut = storeKey.length - TIME_WIDTH - 1;
  if (cut < 0 || storeKey[cut] !== SEP) throw new RangeError(`not a window key: ${JSON.stringify(storeKey)}`);
  return { key: storeKey.slice(0, cut), time: decodeTime(storeKey.slice(cut + 1)) };
}

/**
 * An encoded scan bound b such that encodeTime(t) < b exactly when t < time, for every safe integer t.
 * Any number works: fractions round up, values beyond the safe range mean "unbounded".
 */
function timeBound(time: number): string {
  if (Number.isNaN(time)) throw new RangeError("state time bound is NaN");
  if (time > Number.MAX_SAFE_INTEGER) return "2";
  if (time <= Number.MIN_SAFE_INTEGER) return "0";
  return encodeTime(Math.ceil(time));
}

/**
 * The entries of `key` with from <= time < to, in time order, as [time, value].
 * Other keys never show up, even keys that extend `key` with the separator.
 */
export function* scanWindows(
  store: KeyValueStore,
  key: string,
  from = Number.NEGATIVE_INFINITY,
  to = Number.POSITIVE_INFINITY,
): Generator<[number, Value]> {
  const width = key.length + 1 + TIME_WIDTH;
  for (const [storeKey, value] of store.range(key + SEP + timeBound(from), key + SEP + timeBound(to))) {
    if (storeKey.length === width) yield [decodeTime(storeKey.slice(key.length + 1)), value];
  }
}

/** The index key of (time, key): index entries sort by time, then key. */
export function timeIndexKey(time: number, key: string): string {
  return encodeTime(time) + SEP + key;
}

/** Splits a time index key back into its time and key. */
export function parseTimeIndexKey(indexKey: string): { time: number; key: string } {
  if (indexKey[TIME_WIDTH] !== SEP) throw new RangeError(`not a time index key: ${JSON.stringify(indexKey)}`);
  return { time: decodeTime(indexKey.slice(0, TIME_WIDTH)), key: indexKey.slice(TIME_WIDTH + 1) };
}

/**
 * A secondary index by time over a store of its own: add (time, key) when state is written with an
 * expiry time, then `takeBefore(watermark)` returns and removes every entry with time < watermark,
 * in (time, key) order, reading only those entries. The caller deletes the primary entries.
 * @example ix.add(end + grace, windowKey(k, start)); for (const e of ix.takeBefore(wm)) data.delete(e.key)
 */
export class TimeIndex {
  readonly store: KeyValueStore;

  constructor(store: KeyValueStore) {
    this.store = store;
  }

  add(time: number, key: string): void {
    this.store.put(timeIndexKey(time, key), 1);
  }

  remove(time: number, key: string): void {
    this.store.delete(timeIndexKey(time, key));
  }

  /** Removes and returns the entries with time < bound, in (time, key) order. */
  takeBefore(bound: number): Array<{ time: number; key: string }> {
    const out: Array<{ time: number; key: string }> = [];
    for (const [indexKey] of this.store.range("", timeBound(bound))) out.push(parseTimeIndexKey(indexKey));
    for (const entry of out) this.store.delete(timeIndexKey(entry.time, entry.key));
    return out;
  }

  /** The earliest indexed time, or undefined when the index is empty (e.g. to set the next timer). */
  earliest(): number | undefined {
    for (const [indexKey] of this.store.range("", "2")) return parseTimeIndexKey(indexKey).time;
    return undefined;
  }
}

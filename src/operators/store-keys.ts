// Operators stage: how operators lay out their state keys. Keys sort like the values they encode
// (times as fixed-width hex), so a range scan over one record key's entries walks them in time order.
import type { Origin } from "../core/record.ts";
import type { Value } from "../core/value.ts";

const TIME_OFFSET = 2 ** 52;

/** Width of an encoded time. Other operators (pattern) slice keys by it. */
export const TIME_WIDTH = 14;

const HALF = 2 ** 28;

/** Fixed-width (TIME_WIDTH hex digits), order-preserving encoding of an integer epoch-ms time (|t| < 2^52). */
export function encodeTime(t: number): string {
  const x = Math.floor(t) + TIME_OFFSET;
  if (!(x >= 0 && x < 2 ** 53)) return x.toString(16).padStart(TIME_WIDTH, "0");
  // Two 28-bit halves: V8 prints small integers in hex far faster than a double above 2^31.
  const high = Math.floor(x / HALF);
  const low = x - high * HALF;
  return high.toString(16).padStart(7, "0") + low.toString(16).padStart(7, "0");
}

/** Inverse of encodeTime. */
export function decodeTime(s: string): number {
  return Number.parseInt(s, 16) - TIME_OFFSET;
}

/** A record key as a timer key / scope: `-` for the null key, `+<key>` otherwise (so "" and null differ). */
export function encodeKey(key: string | null): string {
  return key === null ? "-" : `+${key}`;
}

/** Inverse of encodeKey. */
export function decodeKey(encoded: string): string | null {
  return encoded === "-" ? null : encoded.slice(1);
}

/** The store-key prefix of one record key's entries: length-prefixed, so no key is a prefix of another's scope. */
export function keyScope(encodedKey: string): string {
  return `${encodedKey.length}:${encodedKey}|`;
}

/**
 * A pattern's state entry of one key (under the key's scope). The operator keeps it while the key
 * has any other entry under the scope, so a cache that finds it absent knows the scope is empty.
 */
export function patternStateKey(scope: string): string {
  return `${scope}n`;
}

/** Index suffix for several entries at the same (key, time): fixed width so they sort in arrival order. */
export function encodeIndex(i: number): string {
  return i.toString(16).padStart(6, "0");
}

/**
 * The record key made from key values: a single null value is the null key (so it never collides with
 * the string "null"), another single value String(value) (objects: JSON), several the JSON of the array.
 */
export function keyFromValues(values: readonly Value[]): string | null {
  if (values.length === 1) {
    const v = values[0] as Value;
    if (v === null) return null;
    return typeof v === "object" ? JSON.stringify(v) : String(v);
  }
  return JSON.stringify(values);
}

/** Origin as a compact JSON tuple for state, and back. */
export type OriginTuple = readonly [string, number, number];

export function originTuple(o: Origin): OriginTuple {
  return [o.topic, o.partition, o.offset];
}

export function tupleOrigin(t: OriginTuple): Origin {
  return { topic: t[0], partition: t[1], offset: t[2] };
}

/** Total order on origins: topic, then partition, then offset. */
export function compareOrigins(a: OriginTuple, b: OriginTuple): number {
  if (a[0] !== b[0]) return a[0] < b[0] ? -1 : 1;
  if (a[1] !== b[1]) return a[1] - b[1];
  return a[2] - b[2];
}

// State stage: how task state is laid out in RocksDB. One key space (the default column family):
// store entries under JSON `["<store>","<key>"]`, the checkpoint and a format marker under `meta:` keys.
import type { Value } from "../core/value.ts";
import type { Checkpoint } from "./store.ts";

/** Written with every commit; a database with entries but another marker is not ours. */
export const FORMAT_KEY = "meta:format";
export const FORMAT_VERSION = "vigil-state/1";
/** The checkpoint, as JSON, written in the same batch as the state it describes. */
export const CHECKPOINT_KEY = "meta:checkpoint";

/**
 * The RocksDB key of a store entry. JSON keeps any store name and any key (even lone surrogates,
 * which UTF-8 cannot carry) and groups each store's keys under one byte prefix.
 */
export function entryKey(store: string, key: string): string {
  // The same text as JSON.stringify([store, key]), without its array and escaping for the plain
  // keys operators write (this runs once per read and per write of a commit).
  if (NEEDS_ESCAPE.test(store) || NEEDS_ESCAPE.test(key)) return JSON.stringify([store, key]);
  return `["${store}","${key}"]`;
}

// What JSON.stringify escapes in a string: quote, backslash, control characters, lone surrogates
// (any surrogate sends a string to the slow path, which escapes exactly the lone ones).
// biome-ignore lint/suspicious/noControlCharactersInRegex: JSON escapes exactly these characters
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** Parses an entry key; undefined when it is not one. */
export function parseEntryKey(text: string): { store: string; key: string } | undefined {
  if (!text.startsWith("[")) return undefined;
  const parsed: unknown = JSON.parse(text);
  if (!Array.isArray(parsed) || parsed.length !== 2) return undefined;
  const [store, key] = parsed as unknown[];
  if (typeof store !== "string" || typeof key !== "string") return undefined;
  return { store, key };
}

/** A value as JSON text. JSON has no NaN/Infinity: such numbers would come back as null, so they are refused. */
export function encodeValue(value: Value, where: string): string {
  const text = JSON.stringify(value);
  if (typeof text !== "string") throw new TypeError(`${where}: value is not JSON`);
  // JSON.stringify writes a non-finite number as null: only a text with a null can hide one.
  if (text.includes("null")) refuseNonFinite(value, where);
  return text;
}

function refuseNonFinite(v: unknown, where: string): void {
  if (typeof v === "number") {
    if (!Number.isFinite(v)) throw new TypeError(`${where}: ${v} is not storable`);
  } else if (Array.isArray(v)) {
    for (const x of v) refuseNonFinite(x, where);
  } else if (typeof v === "object" && v !== null) {
    for (const x of Object.values(v)) refuseNonFinite(x, where);
  }
}

export function decodeValue(text: string): Value {
  return JSON.parse(text) as Value;
}

function isRecordOf(v: unknown, check: (x: unknown) => boolean): boolean {
  return typeof v === "object" && v !== null && !Array.isArray(v) && Object.values(v).every(check);
}

/** Parses and checks a stored checkpoint; throws (the caller reports corruption) when it is malformed. */
export function decodeCheckpoint(text: string): Checkpoint {
  const parsed: unknown = JSON.parse(text);
  const cp = parsed as Partial<Checkpoint> | null;
  const isOffset = (x: unknown) => typeof x === "number" && Number.isSafeInteger(x);
  if (
    cp === null ||
    typeof cp !== "object" ||
    !isRecordOf(cp.inputOffsets, isOffset) ||
    !isRecordOf(cp.changelogOffsets, isOffset) ||
    !isRecordOf(cp.meta, () => true)
  ) {
    throw new Error("checkpoint has the wrong shape");
  }
  return cp as Checkpoint;
}

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
  return JSON.stringify([store, key]);
}

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
  const text = JSON.stringify(value, (_k, v: unknown) => {
    if (typeof v === "number" && !Number.isFinite(v)) throw new TypeError(`${where}: ${v} is not storable`);
    return v;
  });
  if (typeof text !== "string") throw new TypeError(`${where}: value is not JSON`);
  return text;
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

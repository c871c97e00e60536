// Runtime stage: the tolerant reader. Decodes a JSON record against its declared schema: unknown
// fields are ignored, absent optional fields take their default (or null), anything else is an error.
import { isValid, parseISO } from "date-fns";
import { type FieldSchema, type FieldType, type RecordSchema, T } from "../core/schema.ts";
import type { Row, Value } from "../core/value.ts";
import { type FlatScan, flatScanner } from "./flat-json-scan.ts";

/** A decoded row, or why it could not be decoded (`decode-error`: not JSON; `schema-mismatch`: wrong shape). */
export type DecodeResult =
  | { readonly ok: true; readonly row: Row }
  | { readonly ok: false; readonly reason: "decode-error" | "schema-mismatch"; readonly message: string };

class Mismatch extends Error {}

/**
 * Decodes `text` against `schema`. Example: `{"amount": "12"}` against `{ amount: float }` gives
 * `schema-mismatch: field amount: expected float, got string "12"`.
 */
export function decodeRecord(text: string, schema: RecordSchema): DecodeResult {
  const row = fastDecoder(schema)?.(text);
  return row ? { ok: true, row } : decodeRecordByParse(text, schema);
}

/** decodeRecord without the fast path: JSON.parse, then the schema (what the fast path must equal). */
export function decodeRecordByParse(text: string, schema: RecordSchema): DecodeResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    return { ok: false, reason: "decode-error", message: `invalid JSON: ${(e as Error).message}` };
  }
  return decodeValue(parsed, schema);
}

/** Validates an already parsed JSON value against `schema` (the same rules as decodeRecord). */
export function decodeValue(parsed: unknown, schema: RecordSchema): DecodeResult {
  try {
    if (!isPlainObject(parsed)) throw new Mismatch(`record: expected a JSON object, got ${describe(parsed)}`);
    return { ok: true, row: decodeRow(parsed, schema, "") };
  } catch (e) {
    if (e instanceof Mismatch) return { ok: false, reason: "schema-mismatch", message: e.message };
    throw e;
  }
}

/** A schema's fast path: a row, or null when the generic path must decide (it gives the same row). */
export type FastDecoder = (text: string) => Row | null;

const fastDecoders = new WeakMap<RecordSchema, FastDecoder | null>();

// Built once per schema; null for a schema with a nested or `any` field, or a field named
// `__proto__` (an assignment, not a property, in the generic path's row): the generic path only.
export function fastDecoder(schema: RecordSchema): FastDecoder | null {
  let decoder = fastDecoders.get(schema);
  if (decoder === undefined) {
    const flat = schema.fields.every((f) => SCALAR_KINDS.has(f.type.kind) && f.name !== "__proto__");
    decoder = flat ? flatDecoder(schema) : null;
    fastDecoders.set(schema, decoder);
  }
  return decoder;
}

const SCALAR_KINDS: ReadonlySet<FieldType["kind"]> = new Set([
  "string",
  "bool",
  "int",
  "float",
  "duration",
  "timestamp",
]);

// decodeRow over the scanner's slots: the same defaults, nulls and checks, in schema order. Any
// field it would reject gives null, and the generic path then writes the error.
function flatDecoder(schema: RecordSchema): FastDecoder {
  const fields = schema.fields;
  const scan: FlatScan = flatScanner(fields.map((f) => f.name));
  const build = rowBuilder(fields.map((f) => f.name));
  const slots: unknown[] = new Array(fields.length).fill(undefined);
  return (text) => {
    slots.fill(undefined);
    if (!scan(text, slots)) return null;
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i] as (typeof fields)[number];
      const raw = slots[i];
      if (raw === undefined || raw === null) {
        const v = absentValue(f, raw);
        if (v === undefined) return null;
        slots[i] = v;
        continue;
      }
      let v = scalar(raw, f.type);
      if (v === undefined && f.type.kind === "timestamp") v = decodeTimestamp(raw) ?? undefined;
      if (v === undefined) return null;
      slots[i] = v;
    }
    return build(slots);
  };
}

// An object literal with the schema's fields in order, so every row of a stream is created with one
// hidden class in one step (keyed stores one field at a time cost a third of the decode). The names
// are JSON-quoted into the source, so any name is safe; `__proto__` never gets here.
function rowBuilder(names: readonly string[]): (slots: readonly unknown[]) => Row {
  const props = names.map((n, i) => `${JSON.stringify(n)}: s[${i}]`).join(", ");
  return new Function("s", `return { ${props} };`) as (slots: readonly unknown[]) => Row;
}

function decodeRow(obj: Record<string, unknown>, schema: RecordSchema, prefix: string): Row {
  const row: Record<string, Value> = {};
  for (const f of schema.fields) {
    const raw = Object.hasOwn(obj, f.name) ? obj[f.name] : undefined;
    if (raw === undefined || raw === null) {
      const v = absentValue(f, raw);
      if (v === undefined)
        throw new Mismatch(
          `field ${prefix + f.name}: ${raw === null ? "is null" : "is missing"} (required ${fmt(f.type)})`,
        );
      row[f.name] = v;
      continue;
    }
    // Flat scalars are checked inline; the field's path is only built for nested values and errors.
    const v = scalar(raw, f.type);
    row[f.name] = v !== undefined ? v : decodeField(raw, f.type, prefix + f.name);
  }
  return row;
}

// A field's value when it is absent (undefined) or null: its default, null, or undefined when the
// field is required (both decoders then reject the record).
function absentValue(f: FieldSchema, raw: null | undefined): Value | undefined {
  if (f.defaultValue !== undefined && raw === undefined) return f.defaultValue;
  return f.optional || f.defaultValue !== undefined ? null : undefined;
}

// A scalar field's value when `raw` already has its type (undefined: not that simple, decodeField decides).
function scalar(raw: unknown, type: FieldType): Value | undefined {
  switch (type.kind) {
    case "string":
      return typeof raw === "string" ? raw : undefined;
    case "bool":
      return typeof raw === "boolean" ? raw : undefined;
    case "int":
      return typeof raw === "number" && Number.isInteger(raw) ? raw : undefined;
    case "float":
    case "duration":
      return typeof raw === "number" && Number.isFinite(raw) ? raw : undefined;
    case "timestamp":
      return typeof raw === "number" && isTimestampInRange(raw) ? raw : undefined;
    default:
      return undefined;
  }
}

function decodeField(raw: unknown, type: FieldType, path: string): Value {
  switch (type.kind) {
    case "any":
      return raw as Value;
    case "string":
      return typeof raw === "string" ? raw : mismatch(raw, type, path);
    case "bool":
      return typeof raw === "boolean" ? raw : mismatch(raw, type, path);
    case "int":
      return typeof raw === "number" && Number.isInteger(raw) ? raw : mismatch(raw, type, path);
    case "float":
    case "duration":
      return typeof raw === "number" && Number.isFinite(raw) ? raw : mismatch(raw, type, path);
    case "timestamp":
      return checkedTimestamp(raw, path);
    case "array":
      if (!Array.isArray(raw)) return mismatch(raw, type, path);
      return raw.map((item, i) =>
        item === null ? null : decodeField(item, type.of, `${path}[${i}]`),
      ) as readonly Value[];
    case "record":
      return isPlainObject(raw) ? decodeRow(raw, type.schema, `${path}.`) : mismatch(raw, type, path);
  }
}

function mismatch(raw: unknown, type: FieldType, path: string): never {
  throw new Mismatch(`field ${path}: expected ${fmt(type)}, got ${describe(raw)}`);
}

/** The latest event time Vigil accepts: 9999-12-31T23:59:59.999Z in epoch ms (the earliest is 0, 1970). */
export const MAX_TIMESTAMP_MS = 253_402_300_799_999;

/** True for a whole number of epoch ms within 1970-01-01 .. 9999-12-31 (what stores and timers can order). */
export function isTimestampInRange(ms: number): boolean {
  return Number.isInteger(ms) && ms >= 0 && ms <= MAX_TIMESTAMP_MS;
}

// A timestamp field: a number or ISO string (else a type mismatch), then a whole number of ms in range.
function checkedTimestamp(raw: unknown, path: string): number {
  const ms = parseTimestamp(raw);
  if (ms === null) return mismatch(raw, T.timestamp, path);
  if (!Number.isInteger(ms))
    throw new Mismatch(`field ${path}: timestamp ${ms} is not a whole number of epoch milliseconds`);
  if (!isTimestampInRange(ms))
    throw new Mismatch(
      `field ${path}: timestamp ${ms} is outside 1970-01-01..9999-12-31 (epoch ms 0..${MAX_TIMESTAMP_MS}; microseconds or nanoseconds?)`,
    );
  return ms;
}

/** Epoch ms from a number or an ISO-8601 string; null when neither, or not a whole number of ms from 1970 to 9999. */
export function decodeTimestamp(raw: unknown): number | null {
  const ms = parseTimestamp(raw);
  return ms !== null && isTimestampInRange(ms) ? ms : null;
}

function parseTimestamp(raw: unknown): number | null {
  if (typeof raw === "number") return Number.isFinite(raw) ? raw : null;
  if (typeof raw !== "string") return null;
  const fast = utcSeconds(raw);
  if (fast !== null) return fast;
  // An ISO string without a zone designator is read as UTC (parseISO alone would use local time).
  const d = parseISO(
    NO_ZONE_DATE_TIME.test(raw) ? `${raw}Z` : DATE_ONLY.test(raw) ? `${raw}T00:00:00Z` : raw,
  );
  return isValid(d) ? d.getTime() : null;
}

// The common shape, `YYYY-MM-DDTHH:MM:SS[.mmm]Z`, read without date-fns (a third of the cost). Any
// other shape, or a field out of range, goes to parseISO, so the answer is always parseISO's.
const UTC_SECONDS = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{3}))?Z$/;

function utcSeconds(raw: string): number | null {
  const m = UTC_SECONDS.exec(raw);
  if (m === null) return null;
  const [y, mo, d, h, mi, sec] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(Number) as number[];
  if (mo! < 1 || mo! > 12 || d! < 1 || h! > 23 || mi! > 59 || sec! > 59) return null;
  const ms = Date.UTC(y!, mo! - 1, d!, h!, mi!, sec!, m[7] === undefined ? 0 : Number(m[7]));
  // Date.UTC rolls Feb 30 over into March: a day that does not exist is parseISO's to refuse.
  if (y! < 100 || new Date(ms).getUTCDate() !== d) return null;
  return ms;
}

const NO_ZONE_DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function fmt(t: FieldType): string {
  switch (t.kind) {
    case "array":
      return `array<${fmt(t.of)}>`;
    case "record":
      return "record";
    default:
      return t.kind;
  }
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "string") return `string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}...` : v)}`;
  if (typeof v === "number") return `number ${v}`;
  return typeof v === "object" ? "object" : typeof v;
}

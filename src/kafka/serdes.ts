// Kafka I/O stage: the wire format of what a task writes (outputs, dead letters, changelog records)
// and reads back (changelog restore). JSON values; metadata in headers; pure functions, no I/O.
import type { DeadLetter, DeadLetterReason, OutputRecord } from "../core/record.ts";
import type { Value } from "../core/value.ts";
import type { StoreChange } from "../state/store.ts";

/** A record ready for kafkajs `send` (value null = tombstone). */
export interface WireRecord {
  readonly key: string | null;
  readonly value: string | null;
  readonly partition?: number;
  readonly timestamp?: string;
  readonly headers?: Record<string, string>;
}

/** Header names: stable, documented in docs/architecture.md. */
export const HEADERS = {
  rule: "vigil.rule",
  /** The task that wrote an output (`<p>`, or `<g>_<p>` when the plan re-keys): its order is fixed. */
  task: "vigil.task",
  evidence: "vigil.evidence",
  reason: "vigil.dlq.reason",
  dlqRule: "vigil.dlq.rule",
  sourceTopic: "vigil.dlq.topic",
  sourcePartition: "vigil.dlq.partition",
  sourceOffset: "vigil.dlq.offset",
  error: "vigil.dlq.error",
  inputOffsets: "vigil.input.offsets",
} as const;

/** Kafka rejects negative timestamps; event times before 1970 (or NaN) are sent as 0. */
function wireTimestamp(ms: number): string {
  return Number.isFinite(ms) && ms > 0 ? String(Math.trunc(ms)) : "0";
}

/** An output record: key as is, value = JSON of the projected row, the rule (and writing task) in headers. */
export function serializeOutput(out: OutputRecord, partition?: number, task?: string): WireRecord {
  const headers: Record<string, string> = { [HEADERS.rule]: out.rule };
  if (task !== undefined) headers[HEADERS.task] = task;
  if (out.evidence) headers[HEADERS.evidence] = JSON.stringify(out.evidence);
  return {
    key: out.key,
    value: JSON.stringify(out.value),
    timestamp: wireTimestamp(out.timestamp),
    headers,
    ...(partition !== undefined ? { partition } : {}),
  };
}

/**
 * A dead letter. Key: `topic/partition/offset` of the input it came from (unique, so a compacted or
 * re-driven DLQ never merges two). Value: the raw input for decode errors and schema mismatches; the
 * record as the failing stage saw it (JSON, by source alias) for late records and operator errors.
 * Headers: why and where from (docs/operations.md lists them).
 */
export function serializeDeadLetter(dl: DeadLetter, partition?: number): WireRecord {
  return {
    key: `${dl.origin.topic}/${dl.origin.partition}/${dl.origin.offset}`,
    value: dl.raw,
    timestamp: wireTimestamp(dl.timestamp),
    headers: {
      [HEADERS.reason]: dl.reason,
      [HEADERS.dlqRule]: dl.rule ?? "",
      [HEADERS.sourceTopic]: dl.origin.topic,
      [HEADERS.sourcePartition]: String(dl.origin.partition),
      [HEADERS.sourceOffset]: String(dl.origin.offset),
      [HEADERS.error]: dl.message,
    },
    ...(partition !== undefined ? { partition } : {}),
  };
}

/** Header values as kafkajs delivers them (Buffer, string, arrays, or undefined). */
export type RawHeaders = Record<string, Buffer | string | (Buffer | string)[] | undefined>;

function header(headers: RawHeaders | undefined, name: string): string | undefined {
  const v = headers?.[name];
  const one = Array.isArray(v) ? v[0] : v;
  return one === undefined ? undefined : one.toString();
}

const REASONS: readonly DeadLetterReason[] = [
  "decode-error",
  "schema-mismatch",
  "late-record",
  "operator-error",
  "record-too-large",
];

/** Reads a dead letter back (tests, tooling); null when the headers are not a Vigil dead letter. */
export function parseDeadLetter(
  value: string | null,
  headers: RawHeaders | undefined,
  timestamp: number,
): DeadLetter | null {
  const reason = header(headers, HEADERS.reason) as DeadLetterReason | undefined;
  const topic = header(headers, HEADERS.sourceTopic);
  if (reason === undefined || !REASONS.includes(reason) || topic === undefined) return null;
  const rule = header(headers, HEADERS.dlqRule);
  return {
    reason,
    message: header(headers, HEADERS.error) ?? "",
    rule: rule ? rule : null,
    origin: {
      topic,
      partition: Number(header(headers, HEADERS.sourcePartition)),
      offset: Number(header(headers, HEADERS.sourceOffset)),
    },
    raw: value ?? "",
    timestamp,
  };
}

/**
 * A changelog record (one topic per store, so the store is not in the record): key = store key,
 * value = JSON (null = delete, a tombstone under compaction), header = the task's input positions
 * (`topic/partition` -> next offset) the change derives from.
 */
export function serializeChange(
  change: StoreChange,
  partition: number,
  inputOffsets: Readonly<Record<string, number>>,
): WireRecord {
  return {
    key: change.key,
    value: change.value === null ? null : JSON.stringify(change.value),
    partition,
    headers: { [HEADERS.inputOffsets]: JSON.stringify(inputOffsets) },
  };
}

/** A changelog record read back: the change and the input positions it carries (empty when absent). */
export interface ChangelogEntry {
  readonly change: StoreChange;
  readonly inputOffsets: Readonly<Record<string, number>>;
}

/** Parses a changelog record of `store`; throws on a value that is not JSON (a changelog is never foreign). */
export function parseChange(
  store: string,
  key: string,
  value: string | null,
  headers: RawHeaders | undefined,
): ChangelogEntry {
  const raw = header(headers, HEADERS.inputOffsets);
  const inputOffsets = raw === undefined ? {} : (JSON.parse(raw) as Record<string, number>);
  const parsed = value === null ? null : (JSON.parse(value) as Value);
  return { change: { store, key, value: parsed }, inputOffsets };
}

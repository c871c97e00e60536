// Runtime stage: what a task does with an input record before the merge: decode it once per topic
// (against its stream or table schema, or the repartition format) and find its event time.
import type { Evidence, Origin } from "../core/record.ts";
import type { Row } from "../core/value.ts";
import type { ProgramPlan, StreamDecl, TableDecl } from "../plan/plan.ts";
import { repartitionTopics } from "../plan/segments.ts";
import { decodeRecordByParse, fastDecoder } from "./decode.ts";
import type { PendingRecord } from "./input-merger.ts";
import { parseRepartition } from "./repartition-serde.ts";
import type { InputRecord } from "./task-api.ts";

/** A decoded input: a row of a stream or table, a repartitioned environment, or a decode failure. */
export type DecodedInput =
  | { readonly kind: "row"; readonly row: Row | null }
  | {
      readonly kind: "env";
      readonly env: Row;
      readonly origin: Origin;
      readonly evidence?: Evidence;
      /** The watermark its repartition channel carries (absent in records of older versions). */
      readonly wm?: number;
    }
  /** A repartition channel's watermark-only record: moves event time, reaches no operator. */
  | { readonly kind: "watermark"; readonly wm: number }
  | { readonly kind: "error"; readonly reason: "decode-error" | "schema-mismatch"; readonly message: string };

/** How the records of one topic are decoded. */
export type TopicFormat =
  | { readonly kind: "stream"; readonly decl: StreamDecl }
  | { readonly kind: "table"; readonly decl: TableDecl }
  | { readonly kind: "repartition" };

/** Decoding rules for every topic of the plan a task may read. */
export function topicFormats(plan: ProgramPlan): Map<string, TopicFormat> {
  const formats = new Map<string, TopicFormat>();
  for (const t of plan.tables) formats.set(t.topic, { kind: "table", decl: t });
  for (const s of plan.streams) formats.set(s.topic, { kind: "stream", decl: s });
  for (const topic of repartitionTopics(plan).keys()) formats.set(topic, { kind: "repartition" });
  return formats;
}

/** Decodes `input` and finds the event time the merge orders it by (the log timestamp when there is none). */
export function decodeInput(input: InputRecord, format: TopicFormat): PendingRecord<DecodedInput> {
  const payload = decodePayload(input, format);
  const eventTime = eventTimeOf(input, format, payload);
  return payload.kind === "watermark"
    ? { input, eventTime, payload, watermarkOnly: true }
    : { input, eventTime, payload };
}

function decodePayload(input: InputRecord, format: TopicFormat): DecodedInput {
  if (format.kind === "repartition") {
    try {
      const p = parseRepartition(input.value);
      if (p.kind === "watermark") return p;
      return {
        kind: "env",
        env: p.env,
        origin: p.origin,
        ...(p.evidence ? { evidence: p.evidence } : {}),
        ...(p.wm !== undefined ? { wm: p.wm } : {}),
      };
    } catch (e) {
      return {
        kind: "error",
        reason: "decode-error",
        message: `repartition record: ${(e as Error).message}`,
      };
    }
  }
  // A table tombstone: an empty value (or JSON null) deletes the key.
  if (format.kind === "table" && (input.value === "" || input.value.trim() === "null")) {
    return { kind: "row", row: null };
  }
  // The fast path's row goes straight into the payload (decodeRecord would wrap it once more).
  const row = fastDecoder(format.decl.schema)?.(input.value);
  if (row) return { kind: "row", row };
  const r = decodeRecordByParse(input.value, format.decl.schema);
  return r.ok ? { kind: "row", row: r.row } : { kind: "error", reason: r.reason, message: r.message };
}

function eventTimeOf(input: InputRecord, format: TopicFormat, payload: DecodedInput): number {
  if (payload.kind === "watermark") return payload.wm;
  if (payload.kind === "env") return input.timestamp;
  if (format.kind === "repartition" || payload.kind !== "row" || payload.row === null) return input.timestamp;
  const field = format.decl.timeField;
  const t = field === null ? undefined : payload.row[field];
  return typeof t === "number" ? t : input.timestamp;
}

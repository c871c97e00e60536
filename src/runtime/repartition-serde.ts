// Runtime stage: the wire format of repartition topics (internal, runtime-owned). A repartitioned
// record keeps its environment, its origin and its evidence, so the downstream segment loses nothing.
import type { Evidence, Origin, OutputRecord } from "../core/record.ts";
import type { Row, Value } from "../core/value.ts";

/** What a repartition record carries: OutputRecord.value of a repartition output is `{ env, origin }`. */
export interface RepartitionPayload {
  readonly env: Row;
  readonly origin: Origin;
  readonly evidence?: Evidence;
}

/** The OutputRecord.value of a repartition record (before serialization). */
export function repartitionValue(env: Row, origin: Origin): Row {
  return { env, origin: origin as unknown as Value };
}

/** Serializes a repartition output for a log (embedded partitioned log or Kafka topic). */
export function serializeRepartition(out: OutputRecord): string {
  const v = out.value as unknown as { env: Row; origin: Origin };
  return JSON.stringify(out.evidence ? { env: v.env, origin: v.origin, evidence: out.evidence } : v);
}

/** Parses what serializeRepartition wrote; throws on anything else (an internal topic is never foreign). */
export function parseRepartition(text: string): RepartitionPayload {
  const p = JSON.parse(text) as RepartitionPayload;
  if (typeof p !== "object" || p === null || typeof p.env !== "object" || typeof p.origin !== "object") {
    throw new Error("not a repartition record");
  }
  return p;
}

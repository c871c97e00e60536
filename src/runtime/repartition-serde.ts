// Runtime stage: the wire format of repartition topics (internal, runtime-owned). A repartitioned
// record keeps its environment, its origin and its evidence, so the downstream segment loses nothing,
// and carries its upstream task's watermark (`wm`); a watermark-only record `{ "wm": t }` moves the
// channel's watermark when the upstream has no record for it (docs/runtime.md, "Watermarks").
import type { Evidence, Origin, OutputRecord } from "../core/record.ts";
import type { Row, Value } from "../core/value.ts";

/** What a repartition record carries: a re-keyed environment, or only a watermark. */
export type RepartitionPayload =
  | {
      readonly kind: "data";
      readonly env: Row;
      readonly origin: Origin;
      readonly evidence?: Evidence;
      /** The upstream's watermark when the record was emitted; absent in records of older versions. */
      readonly wm?: number;
    }
  | { readonly kind: "watermark"; readonly wm: number };

/**
 * The OutputRecord.value of a repartition record (before serialization). `wm` is the watermark the
 * channel carries with it (omitted while the upstream has none, i.e. -Infinity).
 */
export function repartitionValue(env: Row, origin: Origin, wm?: number): Row {
  const value: Row = { env, origin: origin as unknown as Value };
  return wm !== undefined && Number.isFinite(wm) ? { ...value, wm } : value;
}

/** Serializes a repartition output for a log (embedded partitioned log or Kafka topic). */
export function serializeRepartition(out: OutputRecord): string {
  const v = out.value as unknown as { env: Row; origin: Origin; wm?: number };
  return JSON.stringify(out.evidence ? { ...v, evidence: out.evidence } : v);
}

/** A watermark-only record: no environment, never seen by operators or outputs. */
export function serializeWatermark(wm: number): string {
  return JSON.stringify({ wm });
}

/** Parses what serializeRepartition or serializeWatermark wrote; throws on anything else. */
export function parseRepartition(text: string): RepartitionPayload {
  const p = JSON.parse(text) as { env?: unknown; origin?: unknown; evidence?: Evidence; wm?: unknown };
  if (typeof p !== "object" || p === null) throw new Error("not a repartition record");
  const wm = typeof p.wm === "number" ? p.wm : undefined;
  if (p.env === undefined && p.origin === undefined) {
    if (wm === undefined) throw new Error("not a repartition record");
    return { kind: "watermark", wm };
  }
  if (typeof p.env !== "object" || p.env === null || typeof p.origin !== "object" || p.origin === null) {
    throw new Error("not a repartition record");
  }
  return {
    kind: "data",
    env: p.env as Row,
    origin: p.origin as Origin,
    ...(p.evidence ? { evidence: p.evidence } : {}),
    ...(wm !== undefined ? { wm } : {}),
  };
}

// Kafka I/O stage: `vigil why`. Reads an output record back, takes the evidence its headers carry
// (the rule, and the topic, partition and offset of each input event the match bound; a window's
// first and last contributing events and their count), and fetches those input events from their
// topics (read_committed, outside any application group). Bounded: at most `limit` events.
import type { KafkaMessage } from "kafkajs";
import type { Evidence, Origin } from "../core/record.ts";
import { type Connection, kafkaClientConfig } from "./connection.ts";
import { Kafka, logLevel } from "./kafkajs.ts";
import { readPartitions } from "./partition-reader.ts";
import { HEADERS, type RawHeaders } from "./serdes.ts";

/** A record as read back: where it is, its key, value, timestamp and headers as text. */
export interface FetchedRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly key: string | null;
  readonly value: string | null;
  readonly timestamp: number;
  readonly headers: Readonly<Record<string, string>>;
}

export interface Explanation {
  readonly record: FetchedRecord;
  readonly rule: string | null;
  readonly evidence: Evidence | null;
  /** The input events found, in evidence order (at most `limit`). */
  readonly events: readonly FetchedRecord[];
  /** Evidence coordinates the topics no longer hold (retention) or never held. */
  readonly missing: readonly Origin[];
  /** How many input events the evidence names (a window: its count). */
  readonly total: number;
  /** True when fewer events are listed than the evidence names (the cap, or a window's middle). */
  readonly capped: boolean;
}

const coord = (o: Origin) => `${o.topic}/${o.partition}/${o.offset}`;

/** Header values as text (the first of repeated headers). */
export function headerText(headers: RawHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) {
    const one = Array.isArray(v) ? v[0] : v;
    if (one !== undefined) out[k] = one.toString();
  }
  return out;
}

function fetched(topic: string, partition: number, m: KafkaMessage): FetchedRecord {
  return {
    topic,
    partition,
    offset: Number(m.offset),
    key: m.key === null ? null : m.key.toString(),
    value: m.value === null ? null : m.value.toString(),
    timestamp: Number(m.timestamp),
    headers: headerText(m.headers as RawHeaders | undefined),
  };
}

/**
 * Fetches the records at the given coordinates: per partition one read from the lowest to the
 * highest wanted offset (evidence of one match lies close together), keeping only those wanted.
 */
export async function fetchRecords(
  kafka: Kafka,
  coords: readonly Origin[],
): Promise<Map<string, FetchedRecord>> {
  const byPartition = new Map<string, { topic: string; partition: number; offsets: Set<number> }>();
  for (const o of coords) {
    const k = `${o.topic}/${o.partition}`;
    let entry = byPartition.get(k);
    if (entry === undefined)
      byPartition.set(k, (entry = { topic: o.topic, partition: o.partition, offsets: new Set() }));
    entry.offsets.add(o.offset);
  }
  const parts = [...byPartition.values()].map((e) => ({
    topic: e.topic,
    partition: e.partition,
    from: Math.min(...e.offsets),
    to: Math.max(...e.offsets) + 1,
  }));
  const found = new Map<string, FetchedRecord>();
  if (parts.length === 0) return found;
  await readPartitions(kafka, parts, (p, messages) => {
    const wanted = byPartition.get(`${p.topic}/${p.partition}`)!.offsets;
    for (const m of messages) {
      if (wanted.has(Number(m.offset)))
        found.set(coord({ ...p, offset: Number(m.offset) }), fetched(p.topic, p.partition, m));
    }
  });
  return found;
}

/** The evidence coordinates worth fetching: every bound event, or a window's first and last. */
function evidenceCoords(evidence: Evidence): { coords: Origin[]; total: number } {
  if (evidence.kind === "range") {
    const same = coord(evidence.first) === coord(evidence.last);
    return { coords: same ? [evidence.first] : [evidence.first, evidence.last], total: evidence.count };
  }
  // Work done on a timer carries a synthetic `$timer` origin: no input record to fetch.
  const events = evidence.events.filter((o) => !o.topic.startsWith("$"));
  return { coords: events, total: events.length };
}

/** Reads the output record at topic/partition/offset and the input events of its evidence. */
export async function explainRecord(
  kafka: Kafka,
  at: Origin,
  options: { readonly limit?: number } = {},
): Promise<Explanation | null> {
  const limit = options.limit ?? 100;
  const record = (await fetchRecords(kafka, [at])).get(coord(at));
  if (record === undefined) return null;
  const raw = record.headers[HEADERS.evidence];
  const evidence = raw === undefined ? null : (JSON.parse(raw) as Evidence);
  const rule = record.headers[HEADERS.rule] ?? null;
  if (evidence === null) return { record, rule, evidence, events: [], missing: [], total: 0, capped: false };
  const { coords, total } = evidenceCoords(evidence);
  const shown = coords.slice(0, limit);
  const found = await fetchRecords(kafka, shown);
  const events = shown.flatMap((o) => found.get(coord(o)) ?? []);
  const missing = shown.filter((o) => !found.has(coord(o)));
  return { record, rule, evidence, events, missing, total, capped: shown.length < total };
}

/** explainRecord with a client of its own (the CLI's entry point). */
export async function explainAt(
  connection: Connection,
  at: Origin,
  options: { readonly limit?: number } = {},
): Promise<Explanation | null> {
  const kafka = new Kafka(kafkaClientConfig(connection, { logLevel: logLevel.NOTHING }));
  return explainRecord(kafka, at, options);
}

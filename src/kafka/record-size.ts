// Kafka I/O stage: how many bytes a record takes in a Kafka record batch (v2, uncompressed, as
// kafkajs sends it), and the split of a transaction's records into sends that the broker accepts.
// kafkajs puts one send's records for a partition into one batch and never splits it; the broker
// refuses a batch over the topic's max.message.bytes (MESSAGE_TOO_LARGE), and such a send would
// abort its transaction on every retry. So each send is bounded by bytes per partition.
import type { TopicMessages } from "kafkajs";
import type { WireRecord } from "./serdes.ts";

/** A record bound for a topic. */
export interface TopicRecord {
  readonly topic: string;
  readonly record: WireRecord;
}

/** A record batch's header, log overhead included (what the broker counts against the limit). */
export const BATCH_OVERHEAD_BYTES = 61;

/** Kafka's default max.message.bytes (the broker's message.max.bytes: 1 MB + the log overhead). */
export const DEFAULT_MAX_MESSAGE_BYTES = 1_048_588;

/** Default bound of one send's bytes over all its partitions. */
export const DEFAULT_MAX_SEND_BYTES = 8 * 1024 * 1024;

const utf8 = (s: string | null | undefined): number => (s == null ? 0 : Buffer.byteLength(s, "utf8"));

/**
 * An upper bound of the record's size in a batch: each varint at its widest (length 5, attributes 1,
 * timestamp delta 10, offset delta 5, key and value lengths 5 each, header count 5), plus the bytes.
 */
export function recordBytes(r: WireRecord): number {
  let bytes = 36 + utf8(r.key) + utf8(r.value);
  const headers = r.headers;
  if (headers !== undefined) for (const k in headers) bytes += 10 + utf8(k) + utf8(headers[k]);
  return bytes;
}

/** True when the record fits a batch of its own under `maxMessageBytes`. */
export function fitsAlone(r: WireRecord, maxMessageBytes: number): boolean {
  return BATCH_OVERHEAD_BYTES + recordBytes(r) <= maxMessageBytes;
}

export interface SendBounds {
  /** The topic's max.message.bytes: bounds each partition's batch in a send. */
  readonly maxMessageBytes: (topic: string) => number;
  /** Bounds a send over all its partitions. */
  readonly maxSendBytes: number;
}

/**
 * Splits records into sends, grouped by topic, keeping their order: a send ends when the next
 * record would take its partition's batch over the topic's limit or the send over maxSendBytes.
 * A record too large for any batch gets a send of its own (the broker refuses it: divert such
 * records first, see oversize.ts).
 */
export function chunkRecords(records: readonly TopicRecord[], bounds: SendBounds): TopicMessages[][] {
  const chunks: TopicMessages[][] = [];
  /** Per topic in the open send: its messages and its bytes per partition's batch. */
  interface Open {
    readonly messages: TopicMessages["messages"];
    readonly batchBytes: Map<number, number>;
  }
  let open = new Map<string, Open>();
  let sendBytes = 0;
  const flush = () => {
    if (open.size > 0) chunks.push([...open].map(([topic, o]) => ({ topic, messages: o.messages })));
    open = new Map();
    sendBytes = 0;
  };
  for (const { topic, record } of records) {
    const size = recordBytes(record);
    const partition = record.partition ?? 0;
    let o = open.get(topic);
    const inBatch = o?.batchBytes.get(partition) ?? BATCH_OVERHEAD_BYTES;
    if (inBatch + size > bounds.maxMessageBytes(topic) || sendBytes + size > bounds.maxSendBytes) {
      flush();
      o = undefined;
    }
    if (o === undefined) {
      o = { messages: [], batchBytes: new Map() };
      open.set(topic, o);
    }
    o.batchBytes.set(partition, (o.batchBytes.get(partition) ?? BATCH_OVERHEAD_BYTES) + size);
    sendBytes += size;
    o.messages.push(record as TopicMessages["messages"][number]);
  }
  flush();
  return chunks;
}

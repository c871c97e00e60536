// Kafka I/O stage: a fetched record (v2 batch format) decoded into the object kafkajs 2.2.4's record
// decoder returns, without its per-record cost: kafkajs parses the batch's first offset and first
// timestamp into BigInt-backed Longs for every record, reads the timestamp delta with a Long
// operation per byte and rebuilds the headers object once per header. Here offsets and times are
// doubles while they are safe integers (they always are for Kafka offsets and epoch milliseconds);
// anything else goes to kafkajs's own decoder. The objects are equal field for field
// (test/kafka/record-decoder.property.test.ts).

/** The part of kafkajs's Decoder this reads through. */
export interface RecordDecoderInput {
  buffer: Buffer;
  offset: number;
  readInt8(): number;
  readVarInt(): number;
  readVarIntBytes(): Buffer | null;
  readVarIntString(): string | null;
}

/** What kafkajs's batch decoder hands each record: the batch's fields. */
export interface RecordBatchContext {
  readonly firstOffset?: unknown;
  readonly firstTimestamp?: unknown;
  readonly magicByte?: number;
  readonly isControlBatch?: boolean;
  readonly timestampType?: number;
  readonly maxTimestamp?: unknown;
}

export type RecordDecoder = (decoder: RecordDecoderInput, batchContext?: RecordBatchContext) => unknown;

const LOG_APPEND_TIME = 1;

/** A zigzag varlong as a double, or null past 7 bytes (where a double could lose bits). */
function readVarLong(d: RecordDecoderInput): number | null {
  const buf = d.buffer;
  let z = 0;
  let scale = 1;
  for (let i = 0; i < 7; i++) {
    const b = buf[d.offset++]!;
    z += (b & 0x7f) * scale;
    if (b < 0x80) return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
    scale *= 128;
  }
  return null;
}

type Headers = Record<string, Buffer | null | (Buffer | null)[]>;

/** kafkajs's header fold: a repeated key becomes an array, in order. */
function readHeaders(d: RecordDecoderInput): Headers {
  const headers: Headers = {};
  const n = d.readVarInt();
  for (let i = 0; i < n; i++) {
    const key = d.readVarIntString() as string;
    const value = d.readVarIntBytes();
    // A plain get, as kafkajs's: an inherited name ("toString") is not undefined there either.
    const seen = (headers as Record<string, unknown>)[key] as Headers[string] | undefined;
    const next =
      seen === undefined ? value : Array.isArray(seen) ? seen.concat([value]) : [seen as Buffer, value];
    // An own property even for "__proto__", as kafkajs's computed key in a spread makes it.
    Object.defineProperty(headers, key, {
      value: next,
      writable: true,
      enumerable: true,
      configurable: true,
    });
  }
  return headers;
}

const safeSum = (base: unknown, delta: number): string | null => {
  if (typeof base !== "string") return null;
  const b = Number(base);
  const sum = b + delta;
  return Number.isSafeInteger(b) && Number.isSafeInteger(sum) ? String(sum) : null;
};

/** The record decoder, falling back to `stock` (kafkajs's) for what it does not cover. */
export function fastRecordDecoder(stock: RecordDecoder): RecordDecoder {
  return (decoder, batchContext = {}) => {
    const start = decoder.offset;
    const {
      firstOffset,
      firstTimestamp,
      magicByte,
      isControlBatch = false,
      timestampType,
      maxTimestamp,
    } = batchContext;
    const fallback = () => {
      decoder.offset = start;
      return stock(decoder, batchContext);
    };
    const attributes = decoder.readInt8();
    const timestampDelta = readVarLong(decoder);
    if (timestampDelta === null) return fallback();
    const timestamp =
      timestampType === LOG_APPEND_TIME && maxTimestamp
        ? maxTimestamp
        : safeSum(firstTimestamp, timestampDelta);
    if (timestamp === null) return fallback();
    const offset = safeSum(firstOffset, decoder.readVarInt());
    if (offset === null) return fallback();
    const key = decoder.readVarIntBytes();
    const value = decoder.readVarIntBytes();
    const headers = readHeaders(decoder);
    return {
      magicByte,
      attributes,
      timestamp,
      offset,
      key,
      value,
      headers,
      isControlRecord: isControlBatch,
      batchContext,
    };
  };
}

// Kafka I/O stage: a Produce request body (v3 layout, which v4-v7 share) with its v2 record batches,
// encoded in one pass into one Buffer. kafkajs 2.2.4 builds the same bytes from a 512-byte zeroed
// Buffer per record and per header, a Buffer per varint and a spread copy of every message: most of
// an exactly-once passthrough's CPU. This encoder writes exactly the bytes kafkajs writes
// (test/kafka/produce-request.property.test.ts compares them), so the broker sees no difference.
// Pure: no I/O, no kafkajs.
import { crc32c } from "./crc32c.ts";

type Bytes = string | Buffer;

/** A message as kafkajs's producer hands it to the request (sendMessages' topicData). */
export interface ProduceMessage {
  readonly key?: Bytes | null;
  readonly value?: Bytes | null;
  readonly timestamp?: unknown;
  readonly headers?: unknown;
}

export interface ProducePartition {
  readonly partition: number;
  readonly messages: readonly ProduceMessage[];
  readonly firstSequence?: number;
}

export interface ProduceTopic {
  readonly topic: string;
  readonly partitions: readonly ProducePartition[];
}

/** The arguments kafkajs's broker.produce passes to the Produce request. */
export interface ProduceRequestArgs {
  readonly acks: number;
  readonly timeout: number;
  readonly transactionalId?: string | null;
  /** As kafkajs holds it: a decimal string (from InitProducerId), its Long, a number or a bigint. */
  readonly producerId?: unknown;
  readonly producerEpoch?: number;
  readonly compression?: number;
  readonly topicData: readonly ProduceTopic[];
}

const TRANSACTIONAL = 16;
const MAGIC = 2;
/** Batch body bytes before the records: attributes .. first sequence, and the record count. */
const BODY_HEAD = 2 + 4 + 8 + 8 + 8 + 2 + 4 + 4;
/** Partition bytes before the batch body: partition, record set size, first offset, batch length, leader epoch, magic, CRC. */
const PARTITION_HEAD = 4 + 4 + 8 + 4 + 4 + 1 + 4;

/** Bytes of a varint (zigzag) of a 32-bit signed value, as kafkajs counts them. */
function varIntSize(v: number): number {
  let z = ((v << 1) ^ (v >> 31)) >>> 0;
  let n = 1;
  while (z >= 0x80) {
    z >>>= 7;
    n++;
  }
  return n;
}

/** Zigzag of a safe integer (|v| < 2^52), as an unsigned double. */
const zigzag64 = (v: number): number => (v >= 0 ? v * 2 : -v * 2 - 1);

function uvarLongSize(z: number): number {
  let n = 1;
  while (z >= 0x80) {
    z = Math.floor(z / 128);
    n++;
  }
  return n;
}

const NO_HEADERS: readonly Bytes[] = [];

/**
 * Headers as kafkajs writes them, flat: key, value, key, value (an array value gives one header per
 * element); null for a shape kafkajs would refuse or treat specially.
 */
function headerPairs(headers: unknown): readonly Bytes[] | null {
  if (headers === undefined) return NO_HEADERS;
  if (headers === null || typeof headers !== "object") return null;
  const pairs: Bytes[] = [];
  for (const key of Object.keys(headers)) {
    const v = (headers as Record<string, unknown>)[key];
    if (typeof v === "string" || Buffer.isBuffer(v)) pairs.push(key, v);
    else if (Array.isArray(v)) {
      for (const one of v) {
        if (typeof one !== "string" && !Buffer.isBuffer(one)) return null;
        pairs.push(key, one);
      }
    } else return null;
  }
  return pairs;
}

/** A decimal timestamp kafkajs would read the same way (digits only, at most 15). */
function digits(s: string): boolean {
  if (s.length === 0 || s.length > 15) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

const bytesOf = (b: Bytes): number => (typeof b === "string" ? Buffer.byteLength(b, "utf8") : b.length);

function int64Of(v: unknown): bigint | null {
  if (v === undefined) return -1n;
  if (typeof v === "bigint") return BigInt.asIntN(64, v);
  if (typeof v === "number") return Number.isSafeInteger(v) ? BigInt(v) : null;
  // kafkajs keeps the id InitProducerId returned as a decimal string.
  if (typeof v === "string") return /^-?\d{1,19}$/.test(v) ? BigInt.asIntN(64, BigInt(v)) : null;
  if (typeof v === "object" && v !== null && typeof (v as { value?: unknown }).value === "bigint") {
    return BigInt.asIntN(64, (v as { value: bigint }).value);
  }
  return null;
}

/** One partition's batch, measured: what the write pass needs. */
interface PlannedBatch {
  readonly partition: number;
  readonly messages: readonly ProduceMessage[];
  readonly firstSequence: number;
  readonly first: number;
  readonly max: number;
  readonly deltas: Float64Array;
  readonly bodies: Int32Array;
  /** UTF-8 bytes of each key and value (-1: null), measured once for the size and the write. */
  readonly keyBytes: Int32Array;
  readonly valueBytes: Int32Array;
  readonly headers: (readonly Bytes[])[];
  /** Batch body bytes (attributes .. last record). */
  readonly bodyBytes: number;
}

function planBatch(p: ProducePartition, now: () => number): PlannedBatch | null {
  const { messages } = p;
  const n = messages.length;
  const dateNow = now();
  let first: string | null = null;
  let max: string | null = null;
  for (let i = 0; i < n; i++) {
    const ts = messages[i]!.timestamp;
    if (ts === undefined || ts === null) continue;
    if (typeof ts !== "string" || !digits(ts)) return null;
    if (first === null || ts < first) first = ts;
    if (max === null || ts > max) max = ts;
  }
  const firstMs = first === null ? dateNow : Number(first);
  const maxMs = max === null ? dateNow : Number(max);
  const deltas = new Float64Array(n);
  const bodies = new Int32Array(n);
  const keyBytes = new Int32Array(n);
  const valueBytes = new Int32Array(n);
  const headers: (readonly Bytes[])[] = new Array(n);
  let bodyBytes = BODY_HEAD;
  for (let i = 0; i < n; i++) {
    const m = messages[i]!;
    const ts = m.timestamp;
    const delta = (ts === undefined || ts === null ? dateNow : Number(ts)) - firstMs;
    const key = m.key;
    const value = m.value;
    if (key != null && typeof key !== "string" && !Buffer.isBuffer(key)) return null;
    if (value != null && typeof value !== "string" && !Buffer.isBuffer(value)) return null;
    const pairs = headerPairs(m.headers);
    if (pairs === null) return null;
    const k = key == null ? -1 : bytesOf(key);
    const v = value == null ? -1 : bytesOf(value);
    let body = 1 + uvarLongSize(zigzag64(delta)) + varIntSize(i);
    body += varIntSize(k) + Math.max(k, 0) + varIntSize(v) + Math.max(v, 0);
    body += varIntSize(pairs.length / 2);
    for (let h = 0; h < pairs.length; h++) {
      const b = bytesOf(pairs[h]!);
      body += varIntSize(b) + b;
    }
    deltas[i] = delta;
    bodies[i] = body;
    keyBytes[i] = k;
    valueBytes[i] = v;
    headers[i] = pairs;
    bodyBytes += varIntSize(body) + body;
  }
  return {
    partition: p.partition,
    messages,
    firstSequence: p.firstSequence ?? 0,
    first: firstMs,
    max: maxMs,
    deltas,
    bodies,
    keyBytes,
    valueBytes,
    headers,
    bodyBytes,
  };
}

/** Writes into a Buffer front to back. */
class Writer {
  offset = 0;
  readonly buf: Buffer;
  constructor(buf: Buffer) {
    this.buf = buf;
  }
  int8(v: number): void {
    this.buf[this.offset++] = v & 0xff;
  }
  int16(v: number): void {
    this.buf.writeInt16BE(v, this.offset);
    this.offset += 2;
  }
  int32(v: number): void {
    this.buf.writeInt32BE(v | 0, this.offset);
    this.offset += 4;
  }
  int64(v: bigint): void {
    this.buf.writeBigInt64BE(v, this.offset);
    this.offset += 8;
  }
  /** A non-negative safe integer as int64. */
  int64Number(v: number): void {
    this.buf.writeUInt32BE(Math.floor(v / 4294967296) >>> 0, this.offset);
    this.buf.writeUInt32BE(v >>> 0, this.offset + 4);
    this.offset += 8;
  }
  varInt(v: number): void {
    let z = ((v << 1) ^ (v >> 31)) >>> 0;
    while (z >= 0x80) {
      this.buf[this.offset++] = (z & 0x7f) | 0x80;
      z >>>= 7;
    }
    this.buf[this.offset++] = z;
  }
  varLong(v: number): void {
    let z = zigzag64(v);
    while (z >= 0x80) {
      this.buf[this.offset++] = (z % 128) | 0x80;
      z = Math.floor(z / 128);
    }
    this.buf[this.offset++] = z;
  }
  /** Length-prefixed bytes (varint length, -1 for null). */
  varBytes(b: Bytes | null | undefined): void {
    this.sizedBytes(b, b == null ? -1 : bytesOf(b));
  }
  /** Length-prefixed bytes whose UTF-8 length `n` is known (-1: null). */
  sizedBytes(b: Bytes | null | undefined, n: number): void {
    this.varInt(n);
    if (b == null) return;
    if (typeof b === "string") this.offset += this.buf.write(b, this.offset, n, "utf8");
    else this.offset += b.copy(this.buf, this.offset);
  }
  /** An int16-length string (-1 for null). */
  string(s: string | null): void {
    if (s === null) {
      this.int16(-1);
      return;
    }
    const n = Buffer.byteLength(s, "utf8");
    this.int16(n);
    this.offset += this.buf.write(s, this.offset, n, "utf8");
  }
}

function writeBatch(w: Writer, b: PlannedBatch, attributes: number, producerId: bigint, epoch: number): void {
  const n = b.messages.length;
  w.int32(b.partition);
  w.int32(8 + 4 + 4 + 1 + 4 + b.bodyBytes);
  w.int64(0n);
  w.int32(4 + 1 + 4 + b.bodyBytes);
  w.int32(0);
  w.int8(MAGIC);
  const crcAt = w.offset;
  w.offset += 4;
  const bodyAt = w.offset;
  w.int16(attributes);
  w.int32(n - 1);
  w.int64Number(b.first);
  w.int64Number(b.max);
  w.int64(producerId);
  w.int16(epoch);
  w.int32(b.firstSequence);
  w.int32(n);
  for (let i = 0; i < n; i++) {
    const m = b.messages[i]!;
    w.varInt(b.bodies[i]!);
    w.int8(0);
    w.varLong(b.deltas[i]!);
    w.varInt(i);
    w.sizedBytes(m.key, b.keyBytes[i]!);
    w.sizedBytes(m.value, b.valueBytes[i]!);
    const pairs = b.headers[i]!;
    w.varInt(pairs.length / 2);
    for (let h = 0; h < pairs.length; h++) w.varBytes(pairs[h]);
  }
  w.buf.writeUInt32BE(crc32c(w.buf, bodyAt, w.offset), crcAt);
}

/**
 * The request body kafkajs's Produce v3 encoder would write for `args`, or null when the request
 * has a shape this encoder does not cover (compression, non-decimal timestamps, unusual key, value
 * or header types): the caller then uses kafkajs's own encoder.
 */
export function encodeProduceRequest(args: ProduceRequestArgs, now: () => number = Date.now): Buffer | null {
  if ((args.compression ?? 0) !== 0) return null;
  const producerId = int64Of(args.producerId);
  if (producerId === null) return null;
  const transactionalId = args.transactionalId ?? null;
  const attributes = transactionalId ? TRANSACTIONAL : 0;
  const epoch = args.producerEpoch ?? 0;
  let size = 2 + (transactionalId === null ? 0 : Buffer.byteLength(transactionalId, "utf8")) + 2 + 4 + 4;
  const topics: { topic: string; batches: PlannedBatch[] }[] = [];
  for (const t of args.topicData) {
    const batches: PlannedBatch[] = [];
    size += 2 + Buffer.byteLength(t.topic, "utf8") + 4;
    for (const p of t.partitions) {
      const planned = planBatch(p, now);
      if (planned === null) return null;
      batches.push(planned);
      size += PARTITION_HEAD + planned.bodyBytes;
    }
    topics.push({ topic: t.topic, batches });
  }
  const w = new Writer(Buffer.allocUnsafe(size));
  w.string(transactionalId);
  w.int16(args.acks);
  w.int32(args.timeout);
  w.int32(topics.length);
  for (const { topic, batches } of topics) {
    w.string(topic);
    w.int32(batches.length);
    for (const b of batches) writeBatch(w, b, attributes, producerId, epoch);
  }
  if (w.offset !== size) throw new Error(`produce request: wrote ${w.offset} of ${size} bytes`);
  return w.buf;
}

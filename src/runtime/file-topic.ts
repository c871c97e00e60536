// Runtime stage: an input topic read from a JSONL file as the embedded runner asks for it, instead
// of loading the file whole. Each line goes to a partition by its key field with Kafka's
// partitioner (unkeyed or non-JSON lines round-robin), exactly as an in-memory load would place
// it; its log timestamp is its event time when it has one, else 0. Memory: the records some task
// has yet to read, which with one partition is a few batches (with several, also how unevenly the
// keys of a stretch of the file spread over the partitions).
import type { Row, Value } from "../core/value.ts";
import { decodeTimestamp } from "./decode.ts";
import { type FlatScan, flatScanner } from "./flat-json-scan.ts";
import { JsonlReader } from "./jsonl-reader.ts";
import { PartitionQueue } from "./partition-queue.ts";
import { partitionForKey } from "./partitioner.ts";
import { keyString } from "./segment-chain.ts";
import type { InputRecord } from "./task-api.ts";

/** How a declaration reads its topic's records. */
export interface InputDecl {
  readonly name: string;
  readonly topic: string;
  readonly keyField: string | null;
  readonly timeField: string | null;
}

/** How far the reading of one input file got. */
export interface FileReadProgress {
  readonly name: string;
  readonly topic: string;
  readonly path: string;
  readonly records: number;
  readonly bytesRead: number;
  readonly size: number;
  /** The latest event time read so far (ms), null before any. */
  readonly eventTime: number | null;
  readonly done: boolean;
}

/** Places lines on partitions as the in-memory log does: by key hash, unkeyed round-robin. */
export class LinePlacer {
  private readonly decl: InputDecl;
  private readonly partitions: number;
  private roundRobin = 0;
  /** Reads only the key and time fields of a flat line (anything else: JSON.parse, the same answer). */
  private readonly scan: FlatScan;
  private readonly slots: unknown[] = [undefined, undefined];

  constructor(decl: InputDecl, partitions: number) {
    this.decl = decl;
    this.partitions = partitions;
    // Slot 0 the key field, slot 1 the time field (one field may be both, or neither be declared).
    this.scan = flatScanner([
      decl.keyField ?? "",
      decl.timeField === decl.keyField ? "" : (decl.timeField ?? ""),
    ]);
  }

  place(text: string): { partition: number; key: string | null; timestamp: number } {
    const slots = this.slots;
    slots[0] = slots[1] = undefined;
    if (!this.scan(text, slots)) return this.placeRow(tryParse(text));
    const { keyField, timeField } = this.decl;
    const keyValue = keyField ? slots[0] : undefined;
    const timeValue = timeField ? slots[timeField === keyField ? 0 : 1] : undefined;
    return this.placeKeyAndTime(keyAndTimeOf(keyValue as Value | undefined, timeValue));
  }

  /** The placement of a parsed line (null: not a JSON object). */
  placeRow(row: Row | null): { partition: number; key: string | null; timestamp: number } {
    return this.placeKeyAndTime(keyAndTime(row, this.decl));
  }

  private placeKeyAndTime({ key, timestamp }: { key: string | null; timestamp: number | null }): {
    partition: number;
    key: string | null;
    timestamp: number;
  } {
    const partition =
      key === null ? this.roundRobin++ % this.partitions : partitionForKey(key, this.partitions);
    return { partition, key, timestamp: timestamp ?? 0 };
  }
}

export class FileTopic {
  readonly decl: InputDecl;
  private readonly reader: JsonlReader;
  private readonly placer: LinePlacer;
  private readonly queues: PartitionQueue[];
  private records = 0;
  private eventTime: number | null = null;
  private done = false;

  constructor(decl: InputDecl, path: string, partitions: number, readersPerPartition: number) {
    this.decl = decl;
    this.reader = new JsonlReader(path);
    this.placer = new LinePlacer(decl, partitions);
    this.queues = Array.from({ length: partitions }, () => new PartitionQueue(readersPerPartition));
  }

  get partitions(): number {
    return this.queues.length;
  }

  endOffset(partition: number): number {
    return this.queue(partition).end;
  }

  /** Up to `max` records of `partition` from `offset`, reading the file as far as that needs. */
  read(partition: number, offset: number, max: number): InputRecord[] {
    const q = this.queue(partition);
    while (!this.done && q.missing(offset, max) > 0) this.readLine();
    return q.read(offset, max);
  }

  progress(): FileReadProgress {
    return {
      name: this.decl.name,
      topic: this.decl.topic,
      path: this.reader.path,
      records: this.records,
      bytesRead: this.reader.bytesRead,
      size: this.reader.size,
      eventTime: this.eventTime,
      done: this.done,
    };
  }

  private readLine(): void {
    const line = this.reader.read();
    if (line === null) {
      this.done = true;
      return;
    }
    const { partition, key, timestamp } = this.placer.place(line.text);
    const q = this.queues[partition]!;
    q.push({ topic: this.decl.topic, partition, offset: q.end, key, value: line.text, timestamp });
    this.records++;
    if (timestamp > 0 && (this.eventTime === null || timestamp > this.eventTime)) this.eventTime = timestamp;
  }

  private queue(partition: number): PartitionQueue {
    const q = this.queues[partition];
    if (q === undefined) throw new Error(`topic ${this.decl.topic} has no partition ${partition}`);
    return q;
  }
}

/**
 * The file line of each wanted (partition, offset) of a topic read from `path` with `partitions`
 * partitions: reads the file again, placing lines as the run did (for dead letters' origins).
 * Stops once every wanted offset is found.
 */
export function lineNumbers(
  decl: InputDecl,
  path: string,
  partitions: number,
  wanted: readonly { readonly partition: number; readonly offset: number }[],
): Map<string, number> {
  const found = new Map<string, number>();
  const want = new Set(wanted.map((w) => `${w.partition}@${w.offset}`));
  if (want.size === 0) return found;
  const reader = new JsonlReader(path);
  const placer = new LinePlacer(decl, partitions);
  const next = new Array<number>(partitions).fill(0);
  try {
    for (let line = reader.read(); line !== null && found.size < want.size; line = reader.read()) {
      const partition = partitions === 1 ? 0 : placer.place(line.text).partition;
      const id = `${partition}@${next[partition]!++}`;
      if (want.has(id)) found.set(id, line.line);
    }
  } finally {
    reader.close();
  }
  return found;
}

/** A record's key (its key field as a string; null when absent or not JSON) and event time (null: none). */
export function keyAndTime(
  row: Row | null,
  d: { readonly keyField: string | null; readonly timeField: string | null },
): { key: string | null; timestamp: number | null } {
  if (row === null) return { key: null, timestamp: null };
  // Own fields only: a line without the key field has no key, whatever its name (even `__proto__`).
  const own = (field: string | null): Value | undefined =>
    field && Object.hasOwn(row, field) ? row[field] : undefined;
  return keyAndTimeOf(own(d.keyField), own(d.timeField));
}

// The key and event time of a JSON object given its key and time fields' values (undefined: absent
// or not declared).
function keyAndTimeOf(
  keyValue: Value | undefined,
  timeValue: unknown,
): { key: string | null; timestamp: number | null } {
  const key = keyValue === undefined || keyValue === null ? null : keyString([keyValue]);
  return { key, timestamp: timeValue === undefined ? null : decodeTimestamp(timeValue) };
}

/** The JSON object a line holds, or null. */
export function tryParse(text: string): Row | null {
  try {
    const v = JSON.parse(text) as Value;
    return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Row) : null;
  } catch {
    return null;
  }
}

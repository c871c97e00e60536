// Runtime stage: one partition of a streaming log. Holds only the records some reader has yet to
// read: the embedded runner reads each partition forward (each task group that reads a topic is
// one reader of each of its partitions), so once every expected reader has passed an offset, the
// records below it are dropped. A read below what was dropped is a bug, and throws.
import type { InputRecord } from "./task-api.ts";

export class PartitionQueue {
  /** Offset of records[start]. */
  private base = 0;
  private start = 0;
  private records: InputRecord[] = [];
  /** Where each reader seen so far will read next (a multiset: readers are told apart by position only). */
  private readers: number[] = [];
  private readonly expectedReaders: number;

  constructor(expectedReaders: number) {
    this.expectedReaders = expectedReaders;
  }

  /** The next offset an append gets. */
  get end(): number {
    return this.base + this.records.length - this.start;
  }

  push(record: InputRecord): void {
    this.records.push(record);
  }

  /** Records held for an offset of `offset + max` to be readable. */
  missing(offset: number, max: number): number {
    return Math.max(0, offset + max - this.end);
  }

  read(offset: number, max: number): InputRecord[] {
    if (offset < this.base)
      throw new Error(`streaming log: offset ${offset} was already released (first held: ${this.base})`);
    const from = this.start + (offset - this.base);
    const out = this.records.slice(from, from + max);
    const at = this.readers.indexOf(offset);
    if (at >= 0) this.readers[at] = offset + out.length;
    else this.readers.push(offset + out.length);
    this.release();
    return out;
  }

  private release(): void {
    if (this.readers.length < this.expectedReaders) return;
    const lowest = Math.min(...this.readers);
    const drop = lowest - this.base;
    if (drop <= 0) return;
    this.start += drop;
    this.base = lowest;
    // Compact now and then: an amortised O(1) per record, never a copy per read.
    if (this.start > 4096 && this.start * 2 > this.records.length) {
      this.records = this.records.slice(this.start);
      this.start = 0;
    }
  }
}

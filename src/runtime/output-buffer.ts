// Runtime stage: what a task produced since its last drain, counted as it is produced.
import type { DeadLetter, OutputRecord } from "../core/record.ts";
import type { ChannelWatermark } from "../time/channel-watermarks.ts";
import type { TaskCounters } from "./task-stats.ts";

/** What a task produced since the last drain, counted as it is produced. */
export class OutputBuffer {
  outputs: OutputRecord[] = [];
  repartitions: OutputRecord[] = [];
  deadLetters: DeadLetter[] = [];
  /** Watermark-only records due on the repartition channels the task writes. */
  watermarks: ChannelWatermark[] = [];
  private readonly counters: TaskCounters;

  constructor(counters: TaskCounters) {
    this.counters = counters;
  }

  output(o: OutputRecord): void {
    this.counters.output(o.rule);
    this.outputs.push(o);
  }

  deadLetter(d: DeadLetter): void {
    this.counters.deadLetter(d);
    this.deadLetters.push(d);
  }

  clear(): void {
    this.outputs = [];
    this.repartitions = [];
    this.deadLetters = [];
    this.watermarks = [];
  }
}

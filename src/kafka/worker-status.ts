// Kafka I/O stage: the worker's periodic status line (`worker.status`), so an idle worker is seen
// to be alive and a busy one shows its pace: open tasks, assigned task partitions, the lag behind
// the end of the input partitions (from each fetch), records processed and their rate since the
// last line, and the lowest task watermark (event time) as ISO-8601.
import { partitionId } from "./partition-reader.ts";

/** Default interval of the status line. */
export const DEFAULT_STATUS_INTERVAL_MS = 30_000;

export interface StatusBoard {
  /** A processed batch: its partition's high watermark and the offset after it, and its record count. */
  fetched(topic: string, partition: number, highWatermark: number, next: number, records: number): void;
  /** Forgets the lag of partitions this worker no longer reads. */
  retain(keep: (topic: string, partition: number) => boolean): void;
  /** The status fields; resets the record count. */
  line(
    tasks: readonly { readonly watermark: number }[],
    assigned: readonly number[],
  ): Record<string, unknown>;
}

export function createStatusBoard(now: () => number = () => performance.now()): StatusBoard {
  const lag = new Map<string, { topic: string; partition: number; lag: number }>();
  let records = 0;
  let since = now();
  return {
    fetched(topic, partition, highWatermark, next, count) {
      lag.set(partitionId(topic, partition), { topic, partition, lag: Math.max(0, highWatermark - next) });
      records += count;
    },
    retain(keep) {
      for (const [id, e] of lag) if (!keep(e.topic, e.partition)) lag.delete(id);
    },
    line(tasks, assigned) {
      const at = now();
      const seconds = Math.max(0.001, (at - since) / 1000);
      const marks = tasks.map((t) => t.watermark).filter((w) => Number.isFinite(w));
      const fields = {
        tasks: tasks.length,
        assigned: [...assigned].sort((a, b) => a - b),
        lag: [...lag.values()].reduce((sum, e) => sum + e.lag, 0),
        records,
        recordsPerSec: Math.round(records / seconds),
        watermark: marks.length > 0 ? new Date(Math.max(0, Math.min(...marks))).toISOString() : null,
      };
      records = 0;
      since = at;
      return fields;
    },
  };
}

// Kafka I/O stage: purging repartition topics. They are created with retention.ms=-1 (their records
// carry event times, which may be older than any time retention), so the worker deletes what is no
// longer needed, as Kafka Streams does: records below the offsets the downstream task has committed
// (DeleteRecords), periodically after commits rather than on each one.
import type { Admin } from "kafkajs";
import { describeError } from "./kafka-errors.ts";
import { partitionId } from "./partition-reader.ts";
import type { OffsetToCommit } from "./task-producer.ts";
import type { WorkerLog } from "./worker-layout.ts";

/** Kafka Streams' default `repartition.purge.interval.ms`. */
export const DEFAULT_PURGE_INTERVAL_MS = 30_000;

export interface RepartitionPurger {
  /** Committed positions (next offset to read) of repartition partitions: everything below may go. */
  note(offsets: readonly OffsetToCommit[]): void;
  /** Deletes the records below each noted position that moved since the last purge; never throws. */
  purge(): Promise<void>;
}

export function createRepartitionPurger(admin: Admin, log: WorkerLog): RepartitionPurger {
  const wanted = new Map<string, OffsetToCommit>();
  const purged = new Map<string, number>();
  let running: Promise<void> | null = null;

  async function purgeNow(): Promise<void> {
    const byTopic = new Map<string, OffsetToCommit[]>();
    for (const [id, o] of wanted) {
      if (o.offset <= (purged.get(id) ?? 0)) continue;
      byTopic.set(o.topic, [...(byTopic.get(o.topic) ?? []), o]);
    }
    for (const [topic, list] of byTopic) {
      try {
        const partitions = list.map((o) => ({ partition: o.partition, offset: String(o.offset) }));
        await admin.deleteTopicRecords({ topic, partitions });
        for (const o of list) {
          const id = partitionId(topic, o.partition);
          purged.set(id, o.offset);
          // Forgotten until the partition's task commits again here: a task that moved to another
          // worker is purged by that worker, and a stale position would only be refused.
          if (wanted.get(id) === o) wanted.delete(id);
        }
        log("repartition.purged", { topic, partitions: list.length });
      } catch (err) {
        // Harmless: the records stay until the next purge.
        log("repartition.purge-failed", { topic, error: describeError(err) });
      }
    }
  }

  return {
    note(offsets) {
      for (const o of offsets) {
        const id = partitionId(o.topic, o.partition);
        if (o.offset > (wanted.get(id)?.offset ?? 0)) wanted.set(id, o);
      }
    },
    purge() {
      running ??= purgeNow().finally(() => {
        running = null;
      });
      return running;
    },
  };
}

// Runtime stage: an in-memory partitioned log (Kafka's shape without Kafka): topics of N partitions,
// appends placed by the key's murmur2 hash (Kafka's default partitioner), reads by offset.
import { partitionForKey } from "./partitioner.ts";
import type { InputRecord } from "./task-api.ts";

/** What one append wrote where. */
export interface AppendResult {
  readonly partition: number;
  readonly offset: number;
}

export interface PartitionedLog {
  /** Creates a topic (idempotent when the partition count matches). */
  createTopic(topic: string, partitions: number): void;
  hasTopic(topic: string): boolean;
  partitions(topic: string): number;
  topics(): string[];
  /**
   * Appends one record. Without an explicit partition, a keyed record goes to
   * murmur2(key) mod partitions and an unkeyed one round-robin (deterministic per topic).
   */
  append(
    topic: string,
    key: string | null,
    value: string,
    timestamp: number,
    partition?: number,
  ): AppendResult;
  /** Up to `max` records of a partition from `offset`, in offset order. */
  read(topic: string, partition: number, offset: number, max: number): InputRecord[];
  /** The next offset an append would get. */
  endOffset(topic: string, partition: number): number;
}

interface Topic {
  readonly partitions: InputRecord[][];
  nextRoundRobin: number;
}

/** Creates an empty log. Example: `log.createTopic("payments", 4); log.append("payments", "card-1", "{...}", 0)`. */
export function createPartitionedLog(): PartitionedLog {
  const topics = new Map<string, Topic>();
  const get = (topic: string): Topic => {
    const t = topics.get(topic);
    if (!t) throw new Error(`partitioned log: no topic ${topic}`);
    return t;
  };
  return {
    createTopic(topic, partitions) {
      const existing = topics.get(topic);
      if (existing) {
        if (existing.partitions.length !== partitions) {
          throw new Error(`topic ${topic} has ${existing.partitions.length} partitions, not ${partitions}`);
        }
        return;
      }
      if (!Number.isInteger(partitions) || partitions < 1)
        throw new Error(`bad partition count ${partitions}`);
      topics.set(topic, { partitions: Array.from({ length: partitions }, () => []), nextRoundRobin: 0 });
    },
    hasTopic: (topic) => topics.has(topic),
    partitions: (topic) => get(topic).partitions.length,
    topics: () => [...topics.keys()],
    append(topic, key, value, timestamp, partition) {
      const t = get(topic);
      const n = t.partitions.length;
      const p = partition ?? (key === null ? t.nextRoundRobin++ % n : partitionForKey(key, n));
      const records = t.partitions[p];
      if (!records) throw new Error(`topic ${topic} has no partition ${p}`);
      const offset = records.length;
      records.push({ topic, partition: p, offset, key, value, timestamp });
      return { partition: p, offset };
    },
    read(topic, partition, offset, max) {
      const records = get(topic).partitions[partition] ?? [];
      return records.slice(offset, offset + max);
    },
    endOffset: (topic, partition) => get(topic).partitions[partition]?.length ?? 0,
  };
}

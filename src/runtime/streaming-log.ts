// Runtime stage: the embedded runner's log when its inputs are files. Input topics are FileTopics
// (read from their file as the tasks ask); every other topic (repartition channels, inputs with no
// file) lives in memory. Either way a partition drops the records all its readers have passed
// (PartitionQueue), so a replay's memory does not grow with its input.
import { type FileReadProgress, FileTopic, type InputDecl } from "./file-topic.ts";
import { PartitionQueue } from "./partition-queue.ts";
import type { PartitionedLog } from "./partitioned-log.ts";
import { partitionForKey } from "./partitioner.ts";

interface MemoryTopic {
  readonly queues: PartitionQueue[];
  nextRoundRobin: number;
}

export interface StreamingLog extends PartitionedLog {
  /** How far each input file was read. */
  progress(): FileReadProgress[];
}

/**
 * A log over `files` (topic -> declaration and path) with `partitions` partitions per input topic;
 * `readers(topic)` is how many task groups read the topic (each reads every partition once).
 */
export function createStreamingLog(
  files: ReadonlyMap<string, { readonly decl: InputDecl; readonly path: string }>,
  partitions: number,
  readers: (topic: string) => number,
): StreamingLog {
  const fileTopics = new Map<string, FileTopic>();
  for (const [topic, f] of files)
    fileTopics.set(topic, new FileTopic(f.decl, f.path, partitions, readers(topic)));
  const memory = new Map<string, MemoryTopic>();
  const mem = (topic: string): MemoryTopic => {
    const t = memory.get(topic);
    if (!t) throw new Error(`streaming log: no topic ${topic}`);
    return t;
  };
  const queue = (topic: string, partition: number): PartitionQueue => {
    const q = mem(topic).queues[partition];
    if (!q) throw new Error(`topic ${topic} has no partition ${partition}`);
    return q;
  };
  return {
    createTopic(topic, n) {
      const existing = fileTopics.get(topic)?.partitions ?? memory.get(topic)?.queues.length;
      if (existing !== undefined) {
        if (existing !== n) throw new Error(`topic ${topic} has ${existing} partitions, not ${n}`);
        return;
      }
      if (!Number.isInteger(n) || n < 1) throw new Error(`bad partition count ${n}`);
      const expected = readers(topic);
      memory.set(topic, {
        queues: Array.from({ length: n }, () => new PartitionQueue(expected)),
        nextRoundRobin: 0,
      });
    },
    hasTopic: (topic) => fileTopics.has(topic) || memory.has(topic),
    partitions: (topic) => fileTopics.get(topic)?.partitions ?? mem(topic).queues.length,
    topics: () => [...fileTopics.keys(), ...memory.keys()],
    append(topic, key, value, timestamp, partition) {
      if (fileTopics.has(topic)) throw new Error(`streaming log: cannot append to the input topic ${topic}`);
      const t = mem(topic);
      const n = t.queues.length;
      const p = partition ?? (key === null ? t.nextRoundRobin++ % n : partitionForKey(key, n));
      const q = queue(topic, p);
      const offset = q.end;
      q.push({ topic, partition: p, offset, key, value, timestamp });
      return { partition: p, offset };
    },
    read(topic, partition, offset, max) {
      const file = fileTopics.get(topic);
      return file ? file.read(partition, offset, max) : queue(topic, partition).read(offset, max);
    },
    endOffset: (topic, partition) =>
      fileTopics.get(topic)?.endOffset(partition) ?? queue(topic, partition).end,
    progress: () => [...fileTopics.values()].map((f) => f.progress()),
  };
}

// Kafka I/O stage: replays changelog partitions (read_committed) from a checkpoint offset to their
// end, returning StoreChange records, before a task processes anything. Reading goes through
// partition-reader.ts (a consumer in a throwaway group, seek + pause, since kafkajs has no assign()),
// so the application group is never joined while restoring. Call it after the task's producer has
// run InitProducerId: then no transaction of the task is open and the end offset is final.
import type { Kafka } from "kafkajs";
import { failpoint } from "./failpoints.ts";
import { partitionId, type ReadOptions, type ReadTo, readPartitions } from "./partition-reader.ts";
import { type ChangelogEntry, parseChange } from "./serdes.ts";

/** One changelog partition to replay, from `from` (the next offset the local state lacks). */
export interface ChangelogPartition {
  readonly topic: string;
  readonly partition: number;
  readonly store: string;
  readonly from: number;
}

export interface RestoreOptions extends ReadOptions {
  /** Skip entries derived from input the group never committed (`topic/partition` -> committed next offset). */
  readonly committedInputOffsets?: Readonly<Record<string, number>>;
}

/** True when every input position the entry derives from is covered by the committed offsets. */
export function derivesFromCommitted(
  entry: ChangelogEntry,
  committed: Readonly<Record<string, number>> | undefined,
): boolean {
  if (committed === undefined) return true;
  return Object.entries(entry.inputOffsets).every(([k, next]) => next <= (committed[k] ?? 0));
}

/**
 * Replays each partition from `from` to its end, calling `apply` with its entries in log order;
 * returns per `topic/partition` the offset the state now includes up to (for the checkpoint).
 * @example await restoreChangelogs(kafka, [{ topic: "app-r.w-changelog", partition: 3, store: "r.w", from: 120 }], apply)
 */
export async function restoreChangelogs(
  kafka: Kafka,
  parts: readonly ChangelogPartition[],
  apply: (part: ChangelogPartition, entries: readonly ChangelogEntry[]) => void | Promise<void>,
  options: RestoreOptions = {},
): Promise<ReadTo> {
  const stores = new Map(parts.map((p) => [partitionId(p.topic, p.partition), p]));
  return readPartitions(
    kafka,
    parts,
    async (part, messages) => {
      const changelog = stores.get(partitionId(part.topic, part.partition))!;
      const entries = messages
        .map((m) =>
          parseChange(changelog.store, m.key?.toString() ?? "", m.value?.toString() ?? null, m.headers),
        )
        .filter((e) => derivesFromCommitted(e, options.committedInputOffsets));
      if (entries.length > 0) await apply(changelog, entries);
      failpoint("during-restore");
    },
    { groupPrefix: "vigil-restore", ...options },
  );
}

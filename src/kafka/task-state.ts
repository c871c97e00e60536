// Kafka I/O stage: a worker task's local state. With a state directory, the task's stores live in
// RocksDB under <state-dir>/<group>/<task>; the checkpoint says up to which changelog offset they
// are complete, so a restart replays only the changelog tail (read_committed, skipping changes of
// uncommitted input). A corrupt folder is wiped and rebuilt from the changelogs from offset 0.
// Without one, memory stores are rebuilt from the whole changelog on every open.
import { join } from "node:path";
import type { Kafka } from "kafkajs";
import { PINNED_STORES } from "../runtime/task.ts";
import {
  createCachedRocksDbStores,
  isPrefetching,
  type PrefetchingStores,
} from "../state/cached-rocksdb-stores.ts";
import { createMemoryTaskStores } from "../state/memory-stores.ts";
import { CorruptStateError, createRocksDbTaskStores, wipeStateDir } from "../state/rocksdb-stores.ts";
import type { Checkpoint, TaskStateStores } from "../state/store.ts";
import { restoreChangelogs } from "./changelog-reader.ts";
import { partitionId } from "./partition-reader.ts";
import type { WorkerLog } from "./worker-layout.ts";

/** A task's restored stores, and the changelog offsets its next local commits record. */
export interface TaskState {
  /** Ready for createTask (not open yet); its commits carry `changelogOffsets`. */
  readonly stores: TaskStateStores;
  /** Store -> next changelog offset the local state includes; update after each Kafka commit. */
  readonly changelogOffsets: Record<string, number>;
}

export interface TaskStateOptions {
  readonly kafka: Kafka;
  /** Absent: memory stores. */
  readonly stateDir?: string;
  /** With stateDir: the clean state cache's budget in bytes (RocksDB holds the rest). */
  readonly stateCacheBytes?: number;
  readonly groupId: string;
  readonly taskId: string;
  readonly partition: number;
  /** Store -> changelog topic. */
  readonly changelogs: ReadonlyMap<string, string>;
  /** The group's committed input offsets (`topic/partition` -> next offset). */
  readonly committed: Readonly<Record<string, number>>;
  readonly log: WorkerLog;
  readonly heartbeat: () => Promise<void>;
  /** Restore progress per changelog batch (metrics): records applied so far, position, end. */
  readonly onProgress?: (changelog: string, restored: number, position: number, end: number) => void;
}

/** Restored changes a cached task holds before it writes them to RocksDB. */
const RESTORE_FLUSH_CHANGES = 20_000;

/** The task's state folder: `<state-dir>/<group>/<task>`. */
export function taskStateDir(stateDir: string, groupId: string, taskId: string): string {
  return join(stateDir, groupId, taskId);
}

/** RocksDB stores in `dir`: over a bounded cache when the options give one, else loaded whole. */
function localStores(opts: TaskStateOptions, dir: string): TaskStateStores {
  return opts.stateCacheBytes === undefined
    ? createRocksDbTaskStores(dir)
    : createCachedRocksDbStores(dir, { cacheBytes: opts.stateCacheBytes, pinned: PINNED_STORES });
}

/** Opens local stores; a CorruptStateError wipes the folder and starts empty. */
async function openLocal(
  opts: TaskStateOptions,
  dir: string,
): Promise<{ stores: TaskStateStores; checkpoint: Checkpoint | null }> {
  const stores = localStores(opts, dir);
  try {
    return { stores, checkpoint: await stores.open() };
  } catch (err) {
    if (!(err instanceof CorruptStateError)) throw err;
    opts.log("task.state-corrupt", { task: opts.taskId, dir, error: err.message });
    await wipeStateDir(dir);
    const fresh = localStores(opts, dir);
    return { stores: fresh, checkpoint: await fresh.open() };
  }
}

/**
 * Restores a task's stores: local checkpoint (if any), then each changelog from there to its end,
 * then a local commit at the group's committed input offsets.
 */
export async function restoreTaskState(opts: TaskStateOptions): Promise<TaskState> {
  const dir = opts.stateDir === undefined ? null : taskStateDir(opts.stateDir, opts.groupId, opts.taskId);
  const opened =
    dir === null ? { stores: createMemoryTaskStores(), checkpoint: null } : await openLocal(opts, dir);
  const { stores, checkpoint } = opened;
  const from = checkpoint?.changelogOffsets ?? {};
  const started = performance.now();
  let restored = 0;
  const parts = [...opts.changelogs].map(([store, topic]) => ({
    topic,
    partition: opts.partition,
    store,
    from: from[store] ?? 0,
  }));
  const readTo = await restoreChangelogs(
    opts.kafka,
    parts,
    async (_part, entries) => {
      stores.applyRestored(entries.map((e) => e.change));
      restored += entries.length;
      // Over a bounded cache, the restored state streams into RocksDB instead of piling up in memory.
      if (isPrefetching(stores) && stores.restoredPending() >= RESTORE_FLUSH_CHANGES)
        await stores.flushRestored();
    },
    {
      committedInputOffsets: opts.committed,
      onProgress: (p) => {
        opts.log("task.restoring", {
          task: opts.taskId,
          changelog: p.topic,
          position: p.position,
          end: p.end,
        });
        opts.onProgress?.(p.topic, restored, p.position, p.end);
        void opts.heartbeat().catch(() => undefined);
      },
    },
  );
  const changelogOffsets: Record<string, number> = {};
  for (const p of parts) changelogOffsets[p.store] = readTo.get(partitionId(p.topic, p.partition)) ?? p.from;
  opts.log("task.restored", {
    task: opts.taskId,
    changes: restored,
    local: checkpoint !== null,
    ms: Math.round(performance.now() - started),
  });
  await stores.commit({ inputOffsets: opts.committed, changelogOffsets, meta: checkpoint?.meta ?? {} });
  if (dir === null) return { stores: withChangelogOffsets(stores, changelogOffsets), changelogOffsets };
  // createTask opens the stores itself: hand it a fresh handle on the folder just committed.
  await stores.close();
  return {
    stores: withChangelogOffsets(localStores(opts, dir), changelogOffsets),
    changelogOffsets,
  };
}

/** Stores whose commits record the current changelog offsets (the runtime's task commits `{}`). */
function withChangelogOffsets(inner: TaskStateStores, offsets: Record<string, number>): TaskStateStores {
  const stores: TaskStateStores = {
    open: () => inner.open(),
    store: (name) => inner.store(name),
    pendingChanges: () => inner.pendingChanges(),
    commit: (cp) => inner.commit({ ...cp, changelogOffsets: { ...cp.changelogOffsets, ...offsets } }),
    rollback: () => inner.rollback(),
    applyRestored: (changes) => inner.applyRestored(changes),
    close: () => inner.close(),
  };
  if (!isPrefetching(inner)) return stores;
  const cached: PrefetchingStores = {
    ...stores,
    prefetch: (needs) => inner.prefetch(needs),
    holds: (needs) => inner.holds(needs),
    trim: () => inner.trim(),
    flushRestored: () => inner.flushRestored(),
    restoredPending: () => inner.restoredPending(),
    cacheStats: () => inner.cacheStats(),
  };
  return cached;
}

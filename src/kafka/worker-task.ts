// Kafka I/O stage: one task of a worker (partition p of every input topic). Opening it fences older
// producers of the task, restores its stores from the changelogs (read_committed) and resumes from
// the group's committed offsets; each processed batch is one transaction (outputs, changelog, dead
// letters, sendOffsets), after which the task commits locally; an abort rolls the task back.
import type { Admin, Kafka } from "kafkajs";
import type { OutputRecord } from "../core/record.ts";
import type { Value } from "../core/value.ts";
import type { ProgramPlan } from "../plan/plan.ts";
import { partitionForKey } from "../runtime/partitioner.ts";
import { createTask, type LocalTaskRuntime } from "../runtime/task.ts";
import type { InputRecord } from "../runtime/task-api.ts";
import { createMemoryTaskStores } from "../state/memory-stores.ts";
import { restoreChangelogs } from "./changelog-reader.ts";
import { failpoint } from "./failpoints.ts";
import { partitionId } from "./partition-reader.ts";
import { serializeChange, serializeDeadLetter, serializeOutput } from "./serdes.ts";
import {
  createTaskProducer,
  type OffsetToCommit,
  type TaskProducer,
  type TopicRecord,
} from "./task-producer.ts";

/** Structured log of a worker: an event name and its fields (one JSON line each). */
export type WorkerLog = (event: string, fields?: Record<string, unknown>) => void;

/** What every task of a worker shares. */
export interface TaskLayout {
  readonly groupId: string;
  readonly plan: ProgramPlan;
  readonly params?: Readonly<Record<string, Value>>;
  readonly segments: readonly string[];
  readonly inputTopics: readonly string[];
  /** Store name -> changelog topic. */
  readonly changelogs: ReadonlyMap<string, string>;
  readonly sinkPartitions: ReadonlyMap<string, number>;
  readonly deadLetterTopic: string;
  readonly deadLetterPartitions: number;
  /**
   * Wall-clock idle time (ms) after which a task reading several topics stops waiting for an input
   * that has no data (else a quiet table partition would hold its stream records forever).
   */
  readonly idleMs: number;
}

/** committed: go on. rolled-back: seek the inputs to `seekTo`. fenced: drop the task. */
export type BatchResult =
  | { readonly kind: "committed" }
  | { readonly kind: "rolled-back"; readonly seekTo: readonly OffsetToCommit[] }
  | { readonly kind: "fenced" };

export interface WorkerTask {
  readonly id: string;
  readonly partition: number;
  process(records: readonly InputRecord[]): Promise<BatchResult>;
  close(): Promise<void>;
}

async function committedOffsets(
  admin: Admin,
  layout: TaskLayout,
  partition: number,
): Promise<Record<string, number>> {
  const fetched = await admin.fetchOffsets({ groupId: layout.groupId, topics: [...layout.inputTopics] });
  const out: Record<string, number> = {};
  for (const t of fetched) {
    const offset = Number(t.partitions.find((p) => p.partition === partition)?.offset ?? -1);
    if (offset >= 0) out[partitionId(t.topic, partition)] = offset;
  }
  return out;
}

interface Ctx {
  readonly kafka: Kafka;
  readonly admin: Admin;
  readonly layout: TaskLayout;
  readonly partition: number;
  readonly log: WorkerLog;
}

/** Opens task `partition`: producer first (settles the old owner's transaction), then restore. */
export async function openWorkerTask(ctx: Ctx, heartbeat: () => Promise<void>): Promise<WorkerTask> {
  const { kafka, admin, layout, partition, log } = ctx;
  const id = `${partition}`;
  const producer = createTaskProducer({ kafka, groupId: layout.groupId, taskId: id, log });
  await producer.start();
  const committed = await committedOffsets(admin, layout, partition);
  const stores = createMemoryTaskStores();
  const started = performance.now();
  let restored = 0;
  const parts = [...layout.changelogs].map(([store, topic]) => ({ topic, partition, store, from: 0 }));
  await restoreChangelogs(
    kafka,
    parts,
    (_part, entries) => {
      stores.applyRestored(entries.map((e) => e.change));
      restored += entries.length;
    },
    {
      committedInputOffsets: committed,
      onProgress: (p) => {
        log("task.restoring", { task: id, changelog: p.topic, position: p.position, end: p.end });
        void heartbeat().catch(() => undefined);
      },
    },
  );
  log("task.restored", { task: id, changes: restored, ms: Math.round(performance.now() - started) });
  await stores.commit({ inputOffsets: committed, changelogOffsets: {}, meta: {} });
  const runtime = await createTask({
    id,
    plan: layout.plan,
    stores,
    partitions: layout.inputTopics.map((topic) => ({ topic, partition })),
    segments: layout.segments,
    ...(layout.params ? { params: layout.params } : {}),
    ...(layout.inputTopics.length > 1
      ? { wallClockIdle: { now: () => Date.now(), idleMs: layout.idleMs } }
      : {}),
  });
  return makeTask(ctx, id, producer, runtime, committed);
}

function outputPartition(layout: TaskLayout, out: OutputRecord): number {
  const n = layout.sinkPartitions.get(out.topic) ?? 1;
  return out.key === null ? 0 : partitionForKey(out.key, n);
}

function transactionRecords(
  ctx: Ctx,
  runtime: LocalTaskRuntime,
  positions: Record<string, number>,
): TopicRecord[] {
  const { layout, partition } = ctx;
  const drained = runtime.drain();
  if (drained.repartitions.length > 0)
    throw new Error("repartition output is not supported by the Kafka worker yet");
  const records: TopicRecord[] = drained.outputs.map((o) => ({
    topic: o.topic,
    record: serializeOutput(o, outputPartition(layout, o)),
  }));
  const dlq = partition % layout.deadLetterPartitions;
  for (const d of drained.deadLetters) {
    records.push({ topic: layout.deadLetterTopic, record: serializeDeadLetter(d, dlq) });
  }
  for (const c of drained.changes) {
    const topic = layout.changelogs.get(c.store);
    if (topic === undefined) throw new Error(`store '${c.store}' has no changelog topic`);
    records.push({ topic, record: serializeChange(c, partition, positions) });
  }
  return records;
}

function makeTask(
  ctx: Ctx,
  id: string,
  producer: TaskProducer,
  runtime: LocalTaskRuntime,
  initial: Record<string, number>,
): WorkerTask {
  let committed = { ...initial };
  const seekTo = (): OffsetToCommit[] =>
    ctx.layout.inputTopics.map((topic) => ({
      topic,
      partition: ctx.partition,
      offset: committed[partitionId(topic, ctx.partition)] ?? 0,
    }));
  const rollback = (): BatchResult => {
    runtime.rollback();
    return { kind: "rolled-back", seekTo: seekTo() };
  };
  let queue: Promise<unknown> = Promise.resolve();
  const task: WorkerTask = {
    id,
    partition: ctx.partition,
    // One batch at a time: the fetch loop and the idle tick both call process().
    process(records) {
      const next = queue.then(() => processNow(records));
      queue = next.catch(() => undefined);
      return next;
    },
    async close() {
      await queue;
      await producer.close();
      await runtime.close();
    },
  };
  return task;

  async function processNow(records: readonly InputRecord[]): Promise<BatchResult> {
    runtime.push(records);
    const positions = { ...runtime.positions() };
    const out = transactionRecords(ctx, runtime, positions);
    const offsets = Object.entries(positions)
      .filter(([k, next]) => next > (committed[k] ?? 0))
      .map(([k, next]) => ({
        topic: k.slice(0, k.lastIndexOf("/")),
        partition: ctx.partition,
        offset: next,
      }));
    if (out.length === 0 && offsets.length === 0) return { kind: "committed" };
    const outcome = await producer.commit({ records: out, offsets });
    if (outcome.kind === "fenced") {
      ctx.log("task.fenced", { task: id, error: outcome.error });
      return { kind: "fenced" };
    }
    let ok = outcome.kind === "committed";
    if (outcome.kind === "ambiguous") {
      const now = await committedOffsets(ctx.admin, ctx.layout, ctx.partition);
      ok = offsets.every((o) => now[partitionId(o.topic, o.partition)] === o.offset);
      ctx.log("task.commit-ambiguous", {
        task: id,
        error: outcome.error,
        resolved: ok ? "committed" : "aborted",
      });
    }
    if (!ok) {
      if (outcome.kind === "aborted") ctx.log("task.aborted", { task: id, error: outcome.error });
      return rollback();
    }
    await runtime.commit();
    failpoint("after-checkpoint");
    for (const o of offsets) committed[partitionId(o.topic, o.partition)] = o.offset;
    committed = { ...committed };
    ctx.log("task.committed", { task: id, records: records.length, written: out.length });
    return { kind: "committed" };
  }
}

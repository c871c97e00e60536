// Kafka I/O stage: one task of a worker (partition p of every input topic). Opening it fences older
// producers of the task, restores its stores from the changelogs (read_committed) and resumes from
// the group's committed offsets; each processed batch is one transaction (outputs, changelog, dead
// letters, sendOffsets), after which the task commits locally; an abort rolls the task back.
import type { Admin, Kafka } from "kafkajs";
import type { OutputRecord } from "../core/record.ts";
import { repartitionTopics } from "../plan/segments.ts";
import { channelPartition } from "../plan/task-groups.ts";
import { partitionForKey } from "../runtime/partitioner.ts";
import { serializeRepartition, serializeWatermark } from "../runtime/repartition-serde.ts";
import { createTask, type LocalTaskRuntime } from "../runtime/task.ts";
import type { InputRecord, TaskOutput } from "../runtime/task-api.ts";
import { StateMissError } from "../state/state-errors.ts";
import { createIdleDetector, DEFAULT_IDLE_AFTER_MS, type IdleDetector } from "../time/idle-inputs.ts";
import { failpoint } from "./failpoints.ts";
import { divertOversized, oversizeRules } from "./oversize.ts";
import { partitionId, topicOffsets } from "./partition-reader.ts";
import { serializeChange, serializeDeadLetter, serializeOutput, type WireRecord } from "./serdes.ts";
import { taskProbe } from "./task-probe.ts";
import {
  createTaskProducer,
  type OffsetToCommit,
  type TaskProducer,
  type TopicRecord,
} from "./task-producer.ts";
import { restoreTaskState } from "./task-state.ts";
import { type TaskInput, type TaskLayout, taskInputs, type WorkerLog } from "./worker-layout.ts";
import type { WorkerObserver } from "./worker-observer.ts";

export type { TaskLayout, WorkerLog } from "./worker-layout.ts";

/** committed: go on. rolled-back: seek the inputs to `seekTo`. fenced: drop the task. */
export type BatchResult =
  | { readonly kind: "committed" }
  | { readonly kind: "rolled-back"; readonly seekTo: readonly OffsetToCommit[] }
  | { readonly kind: "fenced" };

/** A consumer position: the next offset of a partition after a fetched batch (markers included). */
export interface FetchedTo {
  readonly topic: string;
  readonly partition: number;
  readonly next: number;
  /** Records left in the partition after the batch, as the fetch saw them (kafkajs offsetLag). */
  readonly lag?: number;
}

export interface WorkerTask {
  readonly id: string;
  readonly partition: number;
  /** Whether an idle tick may change anything: several inputs to merge, or an idle decision due. */
  wantsTick(): boolean;
  /** `fetched`: where the consumer stands in the partition the records come from, when known. */
  process(records: readonly InputRecord[], fetched?: FetchedTo): Promise<BatchResult>;
  /** The task's watermark (event time, ms; -Infinity before any record). */
  watermark(): number;
  /** The group's committed position (next offset) of each input partition, as of the last commit. */
  committed(): readonly OffsetToCommit[];
  close(): Promise<void>;
}

async function committedOffsets(admin: Admin, layout: TaskLayout, inputs: readonly TaskInput[]) {
  const topics = [...new Set(inputs.map((i) => i.kafkaTopic))];
  const fetched = await admin.fetchOffsets({ groupId: layout.consumerGroup, topics });
  const out: Record<string, number> = {};
  for (const i of inputs) {
    const t = fetched.find((x) => x.topic === i.kafkaTopic);
    const offset = Number(t?.partitions.find((p) => p.partition === i.partition)?.offset ?? -1);
    if (offset >= 0) out[partitionId(i.topic, i.partition)] = offset;
  }
  return out;
}

/** How long a task waits at most for the table records that were there when it opened. */
const TABLE_BACKLOG_WAIT_MS = 30_000;

/**
 * The end offsets of the task's table partitions that hold records past the committed position:
 * the merge reads them before it lets the tables count as idle (see WallClockIdle.backlog).
 */
async function tableBacklog(
  admin: Admin,
  layout: TaskLayout,
  inputs: readonly TaskInput[],
  committed: Readonly<Record<string, number>>,
): Promise<Map<string, number>> {
  const tables = new Set(layout.plan.tables.map((t) => t.topic));
  const backlog = new Map<string, number>();
  for (const i of inputs.filter((x) => tables.has(x.topic))) {
    const offsets = await topicOffsets(admin, i.kafkaTopic);
    const end = Number(offsets.find((o) => o.partition === i.partition)?.high ?? 0);
    const id = partitionId(i.topic, i.partition);
    if (end > (committed[id] ?? 0)) backlog.set(id, end);
  }
  return backlog;
}

interface Ctx {
  readonly kafka: Kafka;
  readonly admin: Admin;
  readonly layout: TaskLayout;
  readonly partition: number;
  readonly log: WorkerLog;
  readonly observer?: WorkerObserver;
  /** `idle after` of the streams that declare none (ms; default 60 s; Infinity: never idle). */
  readonly idleAfterMs?: number;
}

/**
 * Watches the task's stream partitions for idleness; a partition counts as caught up at open when
 * the committed position is at its end.
 */
async function idleDetector(
  ctx: TaskCtx,
  committed: Readonly<Record<string, number>>,
): Promise<IdleDetector> {
  const streams = new Map(ctx.layout.plan.streams.map((s) => [s.topic, s]));
  const inputs = ctx.inputs.filter((i) => streams.has(i.topic));
  const caughtUp = new Set<string>();
  for (const i of inputs) {
    const offsets = await topicOffsets(ctx.admin, i.kafkaTopic);
    const end = Number(offsets.find((o) => o.partition === i.partition)?.high ?? 0);
    const id = partitionId(i.topic, i.partition);
    if ((committed[id] ?? 0) >= end) caughtUp.add(id);
  }
  const idleAfter = (topic: string) =>
    streams.get(topic)?.idleAfterMs ?? ctx.idleAfterMs ?? DEFAULT_IDLE_AFTER_MS;
  return createIdleDetector(
    inputs.map((i) => ({ id: partitionId(i.topic, i.partition), idleAfterMs: idleAfter(i.topic) })),
    Date.now(),
    caughtUp,
  );
}

interface TaskCtx extends Ctx {
  readonly inputs: readonly TaskInput[];
}

/** Opens task `partition`: producer first (settles the old owner's transaction), then restore. */
export async function openWorkerTask(base: Ctx, heartbeat: () => Promise<void>): Promise<WorkerTask> {
  const ctx: TaskCtx = { ...base, inputs: taskInputs(base.layout, base.partition) };
  const { kafka, admin, layout, partition, log } = ctx;
  const id = `${layout.taskPrefix}${partition}`;
  ctx.observer?.taskOpening(id);
  const producer = createTaskProducer({
    kafka,
    groupId: layout.groupId,
    consumerGroupId: layout.consumerGroup,
    taskId: id,
    log,
    maxMessageBytes: oversizeRules(layout, partition, log).maxMessageBytes,
  });
  await producer.start();
  const committed = await committedOffsets(admin, layout, ctx.inputs);
  const state = await restoreTaskState({
    kafka,
    ...(layout.stateDir !== undefined
      ? { stateDir: layout.stateDir, stateCacheBytes: layout.stateCacheBytes }
      : {}),
    groupId: layout.groupId,
    taskId: id,
    partition,
    changelogs: layout.changelogs,
    committed,
    log,
    heartbeat,
    ...(ctx.observer
      ? {
          onProgress: (c: string, n: number, at: number, end: number) =>
            ctx.observer?.restoreProgress(id, c, n, at, end),
        }
      : {}),
  });
  // Table partitions with records the task has not fetched yet; each leaves once fetched that far.
  const backlog =
    ctx.inputs.length > 1 ? await tableBacklog(admin, layout, ctx.inputs, committed) : new Map();
  const repartitioned = repartitionTopics(layout.plan);
  const runtime = await createTask({
    id,
    plan: layout.plan,
    stores: state.stores,
    partitions: ctx.inputs.map((i) => ({ topic: i.topic, partition: i.partition })),
    segments: layout.segments,
    ...(layout.params ? { params: layout.params } : {}),
    ...(ctx.inputs.length > 1
      ? {
          wallClockIdle: {
            now: () => Date.now(),
            idleMs: layout.idleMs,
            backlog,
            backlogWaitMs: TABLE_BACKLOG_WAIT_MS,
            // Repartition channels carry their upstream's watermark: never skipped on a timeout.
            neverIdle: new Set(
              ctx.inputs
                .filter((i) => repartitioned.has(i.topic))
                .map((i) => partitionId(i.topic, i.partition)),
            ),
          },
        }
      : {}),
  });
  ctx.observer?.taskRunning(
    id,
    ctx.inputs.map((i) => ({
      topic: i.kafkaTopic,
      partition: i.partition,
      committed: committed[partitionId(i.topic, i.partition)] ?? 0,
    })),
    taskProbe(layout, id, state.stores),
  );
  const idle = await idleDetector(ctx, committed);
  return makeTask(ctx, id, producer, runtime, committed, state.changelogOffsets, backlog, idle);
}

function outputPartition(layout: TaskLayout, out: OutputRecord): number {
  const n = layout.sinkPartitions.get(out.topic) ?? 1;
  return out.key === null ? 0 : partitionForKey(out.key, n);
}

function transactionRecords(
  ctx: TaskCtx,
  drained: TaskOutput,
  positions: Record<string, number>,
): TopicRecord[] {
  const { layout, partition } = ctx;
  const records: TopicRecord[] = drained.outputs.map((o) => ({
    topic: o.topic,
    record: serializeOutput(o, outputPartition(layout, o), `${layout.taskPrefix}${partition}`),
  }));
  const n = layout.partitions;
  for (const r of drained.repartitions) {
    const topic = layout.kafkaTopics.get(r.topic);
    if (topic === undefined) throw new Error(`repartition topic '${r.topic}' has no Kafka topic`);
    // The embedded runner's channel: (downstream partition of the key, this upstream task).
    const to = partitionForKey(r.key ?? "", n);
    records.push({ topic, record: repartitionRecord(r, channelPartition(to, partition, n)) });
  }
  // A watermark-only record goes to every channel this task feeds in its topic (same transaction).
  for (const w of drained.watermarks) {
    const topic = layout.kafkaTopics.get(w.topic);
    if (topic === undefined) throw new Error(`repartition topic '${w.topic}' has no Kafka topic`);
    const value = serializeWatermark(w.watermark);
    const timestamp = String(Math.max(0, Math.trunc(w.watermark)));
    for (let to = 0; to < n; to++) {
      const record = { key: null, value, timestamp, partition: channelPartition(to, partition, n) };
      records.push({ topic, record });
    }
  }
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

/** A repartition record: key as is, value = the environment, origin and evidence (repartition-serde). */
function repartitionRecord(r: OutputRecord, partition: number): WireRecord {
  const ts = Number.isFinite(r.timestamp) && r.timestamp > 0 ? String(Math.trunc(r.timestamp)) : "0";
  return { key: r.key, value: serializeRepartition(r), timestamp: ts, partition };
}

function makeTask(
  ctx: TaskCtx,
  id: string,
  producer: TaskProducer,
  runtime: LocalTaskRuntime,
  initial: Record<string, number>,
  changelogOffsets: Record<string, number>,
  backlog: Map<string, number>,
  idle: IdleDetector,
): WorkerTask {
  let committed = { ...initial };
  const byId = new Map(ctx.inputs.map((i) => [partitionId(i.topic, i.partition), i]));
  const seekTo = (): OffsetToCommit[] =>
    ctx.inputs.map((i) => ({
      topic: i.kafkaTopic,
      partition: i.partition,
      offset: committed[partitionId(i.topic, i.partition)] ?? 0,
    }));
  const rollback = (): BatchResult => {
    runtime.rollback();
    ctx.observer?.rolledBack(id, runtime.stats());
    return { kind: "rolled-back", seekTo: seekTo() };
  };
  let queue: Promise<unknown> = Promise.resolve();
  const oversize = oversizeRules(ctx.layout, ctx.partition, ctx.log);
  const task: WorkerTask = {
    id,
    partition: ctx.partition,
    wantsTick: () => ctx.inputs.length > 1 || idle.due(Date.now()).length > 0,
    // One batch at a time: the fetch loop and the idle tick both call process().
    process(records, fetched) {
      // The consumer's position counts transaction markers, which records do not show.
      if (fetched !== undefined) {
        const pid = partitionId(fetched.topic, fetched.partition);
        if ((backlog.get(pid) ?? Number.POSITIVE_INFINITY) <= fetched.next) backlog.delete(pid);
        if (fetched.lag !== undefined) idle.setCaughtUp(pid, fetched.lag <= 0);
      }
      const first = records[0];
      if (first !== undefined) idle.sawData(partitionId(first.topic, first.partition), Date.now());
      const next = queue.then(() => processNow(records));
      queue = next.catch(() => undefined);
      return next;
    },
    committed: seekTo,
    watermark: () => runtime.watermark(),
    async close() {
      await queue;
      await producer.close();
      const cache = runtime.stats().stateCache;
      if (cache !== undefined) ctx.log("task.state-cache", { task: id, ...cache });
      await runtime.close();
    },
  };
  return task;

  async function processNow(records: readonly InputRecord[]): Promise<BatchResult> {
    try {
      await runtime.process(records);
      // Idle stream partitions: decided here, once, and recorded in this batch's transaction.
      const now = Date.now();
      for (const pid of idle.due(now)) {
        const input = byId.get(pid)!;
        if (await runtime.declareIdle(input.topic, input.partition, now)) {
          idle.decided(pid, now);
          ctx.log("task.idle", { task: id, input: pid, watermark: runtime.watermark() });
        }
      }
    } catch (err) {
      if (!(err instanceof StateMissError)) throw err;
      // A read the prefetch did not foresee: nothing of the batch is sent; the retry prefetches it.
      ctx.log("task.state-miss", { task: id, store: err.store, key: err.key });
      return rollback();
    }
    const positions = { ...runtime.positions() };
    const drained = runtime.drain();
    const offsets = Object.entries(positions)
      .filter(([k, next]) => next > (committed[k] ?? 0))
      .map(([k, next]) => ({
        id: k,
        topic: byId.get(k)!.kafkaTopic,
        partition: byId.get(k)!.partition,
        offset: next,
      }));
    const out = divertOversized(transactionRecords(ctx, drained, positions), oversize);
    // An idle tick that released nothing changed nothing (the task rewrites no unchanged watermark).
    if (out.length === 0 && offsets.length === 0) return { kind: "committed" };
    const started = performance.now();
    const outcome = await producer.commit({
      records: out,
      offsets: offsets.map(({ topic, partition, offset }) => ({ topic, partition, offset })),
    });
    ctx.observer?.transaction(id, outcome.kind, (performance.now() - started) / 1000);
    if (outcome.kind === "fenced") {
      ctx.log("task.fenced", { task: id, error: outcome.error });
      return { kind: "fenced" };
    }
    let ok = outcome.kind === "committed";
    if (outcome.kind === "ambiguous") {
      const now = await committedOffsets(ctx.admin, ctx.layout, ctx.inputs);
      // Without offsets the group cannot tell which way it went: roll back (only $task watermark
      // metadata rides alone, and it is rewritten by the next commit), never assume committed.
      ok = offsets.length > 0 && offsets.every((o) => now[o.id] === o.offset);
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
    const ends = outcome.kind === "aborted" ? undefined : outcome.ends;
    for (const [store, topic] of ctx.layout.changelogs) {
      const end = ends?.[partitionId(topic, ctx.partition)];
      if (end !== undefined) changelogOffsets[store] = end;
    }
    await runtime.commit();
    failpoint("after-checkpoint");
    for (const o of offsets) committed[o.id] = o.offset;
    committed = { ...committed };
    ctx.observer?.committed(id, {
      stats: runtime.stats(),
      offsets,
      watermark: runtime.watermark(),
      written: out.length,
    });
    ctx.log("task.committed", { task: id, records: records.length, written: out.length });
    return { kind: "committed" };
  }
}

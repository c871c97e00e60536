// Kafka I/O stage: the worker (`vigil run`). Joins the consumer group with the task assignor, creates
// the internal topics, and runs one WorkerTask per assigned partition: each fetched batch is pushed,
// drained and committed in one transaction. stop() finishes the batch, leaves the group, closes tasks.
import {
  type Admin,
  type Consumer,
  type EachBatchPayload,
  Kafka,
  type KafkaMessage,
  logLevel,
} from "kafkajs";
import type { Value } from "../core/value.ts";
import type { ProgramPlan } from "../plan/plan.ts";
import { TASK_STORE, TIMER_STORE } from "../runtime/task.ts";
import type { InputRecord } from "../runtime/task-api.ts";
import { taskGroups } from "../runtime/task-groups.ts";
import { type Connection, describeConnection, kafkaClientConfig } from "./connection.ts";
import { describeError } from "./kafka-errors.ts";
import { taskAssigner } from "./task-assigner.ts";
import { checkCopartitioned, ensureTopics, partitionCounts, type TopicRequest } from "./topics.ts";
import {
  type BatchResult,
  openWorkerTask,
  type TaskLayout,
  type WorkerLog,
  type WorkerTask,
} from "./worker-task.ts";

export interface WorkerOptions {
  readonly connection: Connection;
  readonly groupId: string;
  readonly plan: ProgramPlan;
  readonly params?: Readonly<Record<string, Value>>;
  /** Default `<group>-dead-letters`. */
  readonly deadLetterTopic?: string;
  /** Consumer session timeout; default 10 s (crash tests may go down to 1 s on the dev broker). */
  readonly sessionTimeoutMs?: number;
  /** Fetch size per partition (bytes): bounds a batch, hence a transaction. Default 1 MB (kafkajs). */
  readonly maxBytesPerPartition?: number;
  /** Wall-clock idle time before a multi-input task stops waiting for a quiet input. Default 500 ms. */
  readonly idleMs?: number;
  readonly log?: WorkerLog;
}

export interface Worker {
  /** Resolves once the worker has joined and is consuming. */
  start(): Promise<void>;
  /** Stops fetching, finishes the current batch, leaves the group, closes the tasks. */
  stop(): Promise<void>;
}

/** Kafka topic names allow [A-Za-z0-9._-]; store names may hold others (`$timers`). */
function topicSafe(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/g, "_");
}

/** Every store of the plan (operators with state, plus the task's timers and watermarks). */
export function planStores(plan: ProgramPlan): string[] {
  const names = plan.rules.flatMap((r) => r.ops.flatMap((op) => ("store" in op ? [op.store.name] : [])));
  return [...new Set([...names, TIMER_STORE, TASK_STORE])];
}

/** Changelog topic of a store: `<group>-<store>-changelog` (deterministic: a kept name keeps its state). */
export function changelogTopic(groupId: string, store: string): string {
  return `${groupId}-${topicSafe(store)}-changelog`;
}

async function prepareLayout(admin: Admin, opts: WorkerOptions, log: WorkerLog): Promise<TaskLayout> {
  const groups = taskGroups(opts.plan);
  if (groups.length !== 1 || groups[0]!.repartitionTopics.size > 0) {
    throw new Error(
      "rules that re-key a stream (`partition by` onto repartition topics) cannot run on Kafka yet",
    );
  }
  const group = groups[0]!;
  const inputs = [...group.topics];
  const counts = await partitionCounts(admin, inputs);
  const problems = checkCopartitioned([{ processor: "every task's inputs", topics: inputs }], counts);
  if (problems.length > 0) throw new Error(problems.join("\n"));
  const n = counts.get(inputs[0]!) ?? 1;
  const changelogs = new Map(planStores(opts.plan).map((s) => [s, changelogTopic(opts.groupId, s)]));
  const deadLetterTopic = opts.deadLetterTopic ?? `${opts.groupId}-dead-letters`;
  const sinks = [...new Set(opts.plan.rules.map((r) => r.sink.topic))];
  const present = new Set(await admin.listTopics());
  const requests: TopicRequest[] = [
    ...[...changelogs.values()].map((name) => ({ name, partitions: n, compacted: true })),
    ...[...sinks, deadLetterTopic]
      .filter((name) => !present.has(name))
      .map((name) => ({ name, partitions: n, compacted: false })),
  ];
  const made = await ensureTopics(admin, requests);
  log("worker.topics", { inputs, partitions: n, created: made.created, sinks, deadLetterTopic });
  const outCounts = await partitionCounts(admin, [...sinks, deadLetterTopic]);
  return {
    groupId: opts.groupId,
    plan: opts.plan,
    ...(opts.params ? { params: opts.params } : {}),
    segments: group.segments,
    inputTopics: inputs,
    changelogs,
    sinkPartitions: outCounts,
    deadLetterTopic,
    deadLetterPartitions: outCounts.get(deadLetterTopic) ?? 1,
    idleMs: opts.idleMs ?? 500,
  };
}

/**
 * Workers starting together race to create the internal topics; right after a topic is created its
 * metadata may not be everywhere yet. Retries a few times, except on a layout problem.
 */
async function withRetries<T>(fn: () => Promise<T>, log: WorkerLog): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (attempt >= 6 || /co-partitioned|wrong partition count/.test(String(err))) throw err;
      log("worker.retry", { step: "topics", attempt, error: describeError(err) });
      await new Promise((ok) => setTimeout(ok, 100 * attempt));
    }
  }
}

function toInput(topic: string, partition: number, m: KafkaMessage): InputRecord {
  return {
    topic,
    partition,
    offset: Number(m.offset),
    key: m.key === null ? null : m.key.toString(),
    value: m.value === null ? "" : m.value.toString(),
    timestamp: Number(m.timestamp),
  };
}

/** A JSON-lines logger on stderr. */
export function jsonLog(stream: NodeJS.WritableStream = process.stderr): WorkerLog {
  return (event, fields = {}) => {
    stream.write(`${JSON.stringify({ time: new Date().toISOString(), event, ...fields })}\n`);
  };
}

/**
 * Creates a worker; `start()` joins the group.
 * @example const w = createWorker({ connection, groupId: "fraud", plan }); await w.start(); ...; await w.stop();
 */
export function createWorker(opts: WorkerOptions): Worker {
  const log = opts.log ?? jsonLog();
  const kafka = new Kafka(kafkaClientConfig(opts.connection, { logLevel: logLevel.NOTHING }));
  const admin = kafka.admin();
  const tasks = new Map<number, WorkerTask>();
  let assigned = new Set<number>();
  let consumer: Consumer | null = null;
  let layout: TaskLayout | null = null;
  let chain: Promise<void> = Promise.resolve();
  let ticker: NodeJS.Timeout | null = null;

  const dropTask = async (p: number, why: string) => {
    const task = tasks.get(p);
    tasks.delete(p);
    if (task) {
      await task.close().catch(() => undefined);
      log("task.closed", { task: task.id, why });
    }
  };

  const onAssignment = (mine: Set<number>) => {
    const revoked = [...tasks.keys()].filter((p) => !mine.has(p));
    assigned = mine;
    log("worker.assigned", { tasks: [...mine].sort((a, b) => a - b), revoked });
    chain = chain.then(async () => {
      for (const p of revoked) await dropTask(p, "revoked");
    });
  };

  /** Handles a task's batch result: seek back after a rollback, drop a fenced task. */
  const settle = async (p: number, result: BatchResult): Promise<boolean> => {
    if (result.kind === "rolled-back") {
      for (const o of result.seekTo) {
        consumer?.seek({ topic: o.topic, partition: o.partition, offset: String(o.offset) });
      }
    } else if (result.kind === "fenced") {
      await dropTask(p, "fenced");
    }
    return result.kind === "committed";
  };

  /** Lets multi-input tasks release records held for a quiet input (no fetch would wake them). */
  const tick = () => {
    if (layout === null || layout.inputTopics.length < 2) return;
    for (const [p, task] of tasks) {
      task.process([]).then(
        (r) => settle(p, r),
        (err: unknown) => log("task.error", { task: task.id, error: describeError(err) }),
      );
    }
  };

  const eachBatch = async ({ batch, resolveOffset, heartbeat, isRunning }: EachBatchPayload) => {
    await chain;
    const p = batch.partition;
    if (!assigned.has(p) || !isRunning() || layout === null || consumer === null) return;
    try {
      let task = tasks.get(p);
      if (task === undefined) {
        log("task.opening", { task: String(p) });
        task = await openWorkerTask({ kafka, admin, layout, partition: p, log }, heartbeat);
        tasks.set(p, task);
      }
      const records = batch.messages.map((m) => toInput(batch.topic, p, m));
      if (await settle(p, await task.process(records))) {
        resolveOffset(batch.lastOffset());
        await heartbeat();
      }
    } catch (err) {
      log("task.error", { task: String(p), error: describeError(err) });
      await dropTask(p, "error");
      // Re-read from the committed offsets: the task reopens from its changelog on the next batch.
      for (const topic of layout.inputTopics) {
        const offsets = await admin.fetchOffsets({ groupId: opts.groupId, topics: [topic] });
        const at = offsets[0]?.partitions.find((x) => x.partition === p)?.offset ?? "-1";
        if (Number(at) >= 0) consumer.seek({ topic, partition: p, offset: at });
      }
    }
  };

  return {
    async start() {
      log("worker.starting", { group: opts.groupId, connection: describeConnection(opts.connection) });
      await admin.connect();
      layout = await withRetries(() => prepareLayout(admin, opts, log), log);
      const c = kafka.consumer({
        groupId: opts.groupId,
        partitionAssigners: [taskAssigner],
        sessionTimeout: opts.sessionTimeoutMs ?? 10_000,
        heartbeatInterval: Math.max(100, Math.floor((opts.sessionTimeoutMs ?? 10_000) / 5)),
        readUncommitted: false,
        allowAutoTopicCreation: false,
        // Bounds how long stop() waits for an idle fetch to return.
        maxWaitTimeInMs: 1_000,
        ...(opts.maxBytesPerPartition ? { maxBytesPerPartition: opts.maxBytesPerPartition } : {}),
      });
      consumer = c;
      c.on(c.events.GROUP_JOIN, (e) => {
        const mine = new Set(Object.values(e.payload.memberAssignment).flat());
        onAssignment(mine);
      });
      await c.connect();
      await c.subscribe({ topics: [...layout.inputTopics], fromBeginning: true });
      await c.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch });
      ticker = setInterval(tick, layout.idleMs);
      log("worker.joined", { group: opts.groupId });
    },
    async stop() {
      log("worker.stopping", {});
      if (ticker !== null) clearInterval(ticker);
      await consumer?.stop();
      for (const p of [...tasks.keys()]) await dropTask(p, "shutdown");
      await consumer?.disconnect();
      await admin.disconnect();
      log("worker.stopped", {});
    },
  };
}

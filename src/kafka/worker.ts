// Kafka I/O stage: the worker (`vigil run`). Joins the consumer group with the task assignor, creates
// the internal topics, and runs one WorkerTask per assigned partition: each fetched batch is pushed,
// drained and committed in one transaction. stop() finishes the batch, leaves the group, closes tasks.
import { type Consumer, type EachBatchPayload, Kafka, type KafkaMessage } from "kafkajs";
import type { Value } from "../core/value.ts";
import { createEventLog } from "../log/logger.ts";
import type { ProgramPlan } from "../plan/plan.ts";
import type { InputRecord } from "../runtime/task-api.ts";
import { type Connection, describeConnection, kafkaClientConfig } from "./connection.ts";
import { describeError } from "./kafka-errors.ts";
import { kafkaLogging } from "./kafka-log.ts";
import { taskAssigner } from "./task-assigner.ts";
import {
  prepareLayouts,
  type TaskLayout,
  taskInputs,
  taskPartitionOf,
  type WorkerLog,
} from "./worker-layout.ts";
import type { WorkerObserver } from "./worker-observer.ts";
import { type BatchResult, openWorkerTask, type WorkerTask } from "./worker-task.ts";

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
  /** RocksDB state under `<stateDir>/<group>/<task>` (restarts replay only the changelog tail). */
  readonly stateDir?: string;
  /** With stateDir: bytes of clean state cache per task (the rest stays on disk). Default 64 MB. */
  readonly stateCacheBytes?: number;
  readonly log?: WorkerLog;
  /** Metrics, health and the dashboard (src/observe) watch the worker through this. */
  readonly observer?: WorkerObserver;
}

export interface Worker {
  /** Resolves once the worker has joined and is consuming. */
  start(): Promise<void>;
  /** Stops fetching, finishes the current batch, leaves the group, closes the tasks. */
  stop(): Promise<void>;
  /**
   * Resolves with the error when the consumer crashed and kafkajs will not restart it (a
   * non-retriable error): the worker no longer consumes, so its owner should stop it and exit.
   */
  readonly failed: Promise<Error>;
}

export { changelogTopic } from "./worker-layout.ts";

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

/** A task's place: its layout (task group) and partition. */
interface Slot {
  readonly layout: TaskLayout;
  readonly partition: number;
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

/**
 * Creates a worker; `start()` joins the group.
 * @example const w = createWorker({ connection, groupId: "fraud", plan }); await w.start(); ...; await w.stop();
 */
export function createWorker(opts: WorkerOptions): Worker {
  const log = opts.log ?? createEventLog();
  const observer = opts.observer;
  const kafka = new Kafka(kafkaClientConfig(opts.connection, kafkaLogging(log)));
  const admin = kafka.admin();
  const tasks = new Map<string, { task: WorkerTask; slot: Slot }>();
  let assigned = new Set<number>();
  let consumer: Consumer | null = null;
  let layouts: TaskLayout[] = [];
  /** Kafka topic -> the group reading it and the plan's name of the topic. */
  let routes = new Map<string, { layout: TaskLayout; topic: string }>();
  let chain: Promise<void> = Promise.resolve();
  let ticker: NodeJS.Timeout | null = null;
  let fail: (err: Error) => void = () => undefined;
  const failed = new Promise<Error>((ok) => (fail = ok));

  const dropTask = async (id: string, why: string) => {
    const entry = tasks.get(id);
    tasks.delete(id);
    if (entry) {
      await entry.task.close().catch(() => undefined);
      observer?.taskClosed(id, why);
      log("task.closed", { task: id, why });
    }
  };

  const onAssignment = (assignment: Record<string, number[]>) => {
    const mine = new Set<number>();
    for (const [topic, parts] of Object.entries(assignment)) {
      const route = routes.get(topic);
      for (const p of parts) mine.add(route ? taskPartitionOf(route.layout, route.topic, p) : p);
    }
    const revoked = [...tasks].filter(([, e]) => !mine.has(e.slot.partition)).map(([id]) => id);
    assigned = mine;
    observer?.assigned([...mine].sort((a, b) => a - b));
    log("worker.assigned", { tasks: [...mine].sort((a, b) => a - b), revoked });
    chain = chain.then(async () => {
      for (const id of revoked) await dropTask(id, "revoked");
    });
  };

  /** Handles a task's batch result: seek back after a rollback, drop a fenced task. */
  const settle = async (id: string, result: BatchResult): Promise<boolean> => {
    if (result.kind === "rolled-back") {
      for (const o of result.seekTo) {
        consumer?.seek({ topic: o.topic, partition: o.partition, offset: String(o.offset) });
      }
    } else if (result.kind === "fenced") {
      await dropTask(id, "fenced");
    }
    return result.kind === "committed";
  };

  /** Lets multi-input tasks release records held for a quiet input (no fetch would wake them). */
  const tick = () => {
    for (const [id, { task, slot }] of tasks) {
      if (taskInputs(slot.layout, slot.partition).length < 2) continue;
      task.process([]).then(
        (r) => settle(id, r),
        (err: unknown) => log("task.error", { task: task.id, error: describeError(err) }),
      );
    }
  };

  /** After an error: re-read the task's inputs from the committed offsets (it reopens on the next batch). */
  const rewind = async (slot: Slot) => {
    if (consumer === null) return;
    for (const input of taskInputs(slot.layout, slot.partition)) {
      const offsets = await admin.fetchOffsets({ groupId: opts.groupId, topics: [input.kafkaTopic] });
      const at = offsets[0]?.partitions.find((x) => x.partition === input.partition)?.offset ?? "-1";
      if (Number(at) >= 0) consumer.seek({ topic: input.kafkaTopic, partition: input.partition, offset: at });
    }
  };

  const eachBatch = async ({ batch, resolveOffset, heartbeat, isRunning }: EachBatchPayload) => {
    await chain;
    const route = routes.get(batch.topic);
    if (route === undefined || !isRunning() || consumer === null) return;
    const slot: Slot = {
      layout: route.layout,
      partition: taskPartitionOf(route.layout, route.topic, batch.partition),
    };
    if (!assigned.has(slot.partition)) return;
    observer?.fetched(batch.topic, batch.partition, Number(batch.highWatermark));
    const id = `${slot.layout.taskPrefix}${slot.partition}`;
    try {
      let task = tasks.get(id)?.task;
      if (task === undefined) {
        log("task.opening", { task: id });
        const ctx = { kafka, admin, layout: slot.layout, partition: slot.partition, log, observer };
        task = await openWorkerTask(ctx, heartbeat);
        tasks.set(id, { task, slot });
      }
      const records = batch.messages.map((m) => toInput(route.topic, batch.partition, m));
      const fetched = {
        topic: route.topic,
        partition: batch.partition,
        next: Number(batch.lastOffset()) + 1,
      };
      if (await settle(id, await task.process(records, fetched))) {
        resolveOffset(batch.lastOffset());
        await heartbeat();
      }
    } catch (err) {
      log("task.error", { task: id, error: describeError(err) });
      await dropTask(id, "error");
      await rewind(slot);
    }
  };

  return {
    failed,
    async start() {
      log("worker.starting", { group: opts.groupId, connection: describeConnection(opts.connection) });
      observer?.starting(opts.groupId);
      await admin.connect();
      layouts = await withRetries(() => prepareLayouts(admin, opts, log), log);
      routes = new Map(
        layouts.flatMap((layout) =>
          layout.inputTopics.map((topic) => [layout.kafkaTopics.get(topic) ?? topic, { layout, topic }]),
        ),
      );
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
      c.on(c.events.GROUP_JOIN, (e) => onAssignment(e.payload.memberAssignment));
      c.on(c.events.REBALANCING, () => observer?.rebalancing());
      // kafkajs restarts the consumer after retriable errors only; otherwise it stays stopped.
      c.on(c.events.CRASH, (e) => {
        log("worker.consumer-crashed", { error: describeError(e.payload.error), restart: e.payload.restart });
        if (!e.payload.restart) fail(e.payload.error);
      });
      await c.connect();
      await c.subscribe({ topics: [...routes.keys()], fromBeginning: true });
      await c.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch });
      ticker = setInterval(tick, Math.min(...layouts.map((l) => l.idleMs)));
      log("worker.joined", { group: opts.groupId });
    },
    async stop() {
      log("worker.stopping", {});
      observer?.stopping();
      if (ticker !== null) clearInterval(ticker);
      await consumer?.stop();
      for (const id of [...tasks.keys()]) await dropTask(id, "shutdown");
      await consumer?.disconnect();
      await admin.disconnect();
      log("worker.stopped", {});
    },
  };
}

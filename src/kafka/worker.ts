// Kafka I/O stage: the worker (`vigil run`). Joins the consumer group with the task assignor, creates
// the internal topics, and runs one WorkerTask per assigned partition: each fetched batch is pushed,
// drained and committed in one transaction. stop() finishes the batch, leaves the group, closes tasks.
import type { Consumer, EachBatchPayload, KafkaMessage } from "kafkajs";
import type { Value } from "../core/value.ts";
import { createEventLog } from "../log/logger.ts";
import type { ProgramPlan } from "../plan/plan.ts";
import type { InputRecord } from "../runtime/task-api.ts";
import { type Connection, describeConnection, kafkaClientConfig } from "./connection.ts";
import { describeError, isConfigError, isRebalance } from "./kafka-errors.ts";
import { kafkaLogging } from "./kafka-log.ts";
import { Kafka, produceEncodings } from "./kafkajs.ts";
import { createRepartitionPurger, DEFAULT_PURGE_INTERVAL_MS } from "./repartition-purge.ts";
import { taskAssigner } from "./task-assigner.ts";
import { type SinkTopicSettings, waitForLeaders } from "./topics.ts";
import {
  prepareLayouts,
  type TaskLayout,
  taskInputs,
  taskPartitionOf,
  type WorkerLog,
} from "./worker-layout.ts";
import type { WorkerObserver } from "./worker-observer.ts";
import { createStatusBoard, DEFAULT_STATUS_INTERVAL_MS } from "./worker-status.ts";
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
  /**
   * `idle after` of the streams that declare none: a stream partition quiet this long (wall clock)
   * advances its watermark to the wall clock minus lateness (docs/runtime.md). Default 60 s.
   */
  readonly idleAfterMs?: number;
  /** RocksDB state under `<stateDir>/<group>/<task>` (restarts replay only the changelog tail). */
  readonly stateDir?: string;
  /** With stateDir: bytes of clean state cache per task (the rest stays on disk). Default 64 MB. */
  readonly stateCacheBytes?: number;
  /** How output / dead-letter topics the worker creates are configured, by topic name. */
  readonly sinkTopics?: Readonly<Record<string, SinkTopicSettings>>;
  /** How often committed repartition records are deleted. Default 30 s (Kafka Streams' default). */
  readonly purgeIntervalMs?: number;
  /** How often the worker logs `worker.status` (tasks, lag, records/s, watermark). Default 30 s; 0: never. */
  readonly statusIntervalMs?: number;
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
 * metadata may not be everywhere yet. Retries a few times, except on a configuration problem (a
 * refused plan, topics not co-partitioned), which no retry fixes.
 */
async function withRetries<T>(fn: () => Promise<T>, log: WorkerLog): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (attempt >= 6 || isConfigError(err)) throw err;
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

/** One consumer of the worker (worker-lanes.ts): its task groups' topics, its assignment. */
interface Lane {
  readonly consumerGroup: string;
  /** Kafka topic -> the group reading it and the plan's name of the topic. */
  readonly routes: ReadonlyMap<string, { layout: TaskLayout; topic: string }>;
  consumer: Consumer | null;
  assigned: Set<number>;
  /** The group error that ended the lane's generation; batches fetched before the rejoin are skipped. */
  rebalancing: unknown;
}

/**
 * The repartition topics the purger may delete from: those read by one task group only (its
 * committed offsets then say what nobody needs any more).
 */
function purgeableTopics(layouts: readonly TaskLayout[]): Set<string> {
  const readers = new Map<string, number>();
  for (const l of layouts) {
    for (const t of l.repartitionInputs) {
      const topic = l.kafkaTopics.get(t) ?? t;
      readers.set(topic, (readers.get(topic) ?? 0) + 1);
    }
  }
  return new Set([...readers].filter(([, n]) => n === 1).map(([t]) => t));
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

/** The lanes of a set of layouts, in lane order, each with the Kafka topics it routes. */
function lanesOf(layouts: readonly TaskLayout[]): Lane[] {
  const byLane = new Map<number, TaskLayout[]>();
  for (const l of layouts) byLane.set(l.lane, [...(byLane.get(l.lane) ?? []), l]);
  return [...byLane.entries()]
    .sort(([a], [b]) => a - b)
    .map(([, ls]) => ({
      consumerGroup: ls[0]!.consumerGroup,
      routes: new Map(
        ls.flatMap((layout) =>
          layout.inputTopics.map((topic) => [layout.kafkaTopics.get(topic) ?? topic, { layout, topic }]),
        ),
      ),
      consumer: null,
      assigned: new Set<number>(),
      rebalancing: null,
    }));
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
  let lanes: Lane[] = [];
  let layouts: TaskLayout[] = [];
  let chain: Promise<void> = Promise.resolve();
  let ticker: NodeJS.Timeout | null = null;
  const purger = createRepartitionPurger(admin, log);
  let purgeable = new Set<string>();
  let purgeTimer: NodeJS.Timeout | null = null;
  const status = createStatusBoard();
  let statusTimer: NodeJS.Timeout | null = null;
  const logStatus = () =>
    log(
      "worker.status",
      status.line(
        [...tasks.values()].map((e) => ({ watermark: e.task.watermark() })),
        [...new Set(lanes.flatMap((l) => [...l.assigned]))],
      ),
    );
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

  const onAssignment = (lane: Lane, assignment: Record<string, number[]>) => {
    const mine = new Set<number>();
    for (const [topic, parts] of Object.entries(assignment)) {
      const route = lane.routes.get(topic);
      for (const p of parts) mine.add(route ? taskPartitionOf(route.layout, route.topic, p) : p);
    }
    const revoked = [...tasks]
      .filter(([, e]) => e.slot.layout.consumerGroup === lane.consumerGroup && !mine.has(e.slot.partition))
      .map(([id]) => id);
    lane.assigned = mine;
    lane.rebalancing = null;
    status.retain((topic, p) => {
      const route = lane.routes.get(topic);
      return route === undefined || mine.has(taskPartitionOf(route.layout, route.topic, p));
    });
    // The observer sees one worker: the task partitions it holds in any lane.
    observer?.assigned([...new Set(lanes.flatMap((l) => [...l.assigned]))].sort((a, b) => a - b));
    // `tasks` first: tools and tests read the line as `"worker.assigned","tasks":[...]`.
    log("worker.assigned", {
      tasks: [...mine].sort((a, b) => a - b),
      revoked,
      consumerGroup: lane.consumerGroup,
    });
    chain = chain.then(async () => {
      for (const id of revoked) await dropTask(id, "revoked");
    });
  };

  const laneOf = (layout: TaskLayout): Lane | undefined =>
    lanes.find((l) => l.consumerGroup === layout.consumerGroup);

  /** Handles a task's batch result: seek back after a rollback, drop a fenced task. */
  const settle = async (id: string, slot: Slot, result: BatchResult): Promise<boolean> => {
    if (result.kind === "rolled-back") {
      const consumer = laneOf(slot.layout)?.consumer;
      for (const o of result.seekTo) {
        consumer?.seek({ topic: o.topic, partition: o.partition, offset: String(o.offset) });
      }
    } else if (result.kind === "fenced") {
      await dropTask(id, "fenced");
    } else {
      const entry = tasks.get(id);
      if (entry !== undefined && purgeable.size > 0) {
        purger.note(entry.task.committed().filter((o) => purgeable.has(o.topic) && o.offset > 0));
      }
    }
    return result.kind === "committed";
  };

  /** Lets tasks release records held for a quiet input and take idle decisions (no fetch would wake them). */
  const tick = () => {
    for (const [id, { task, slot }] of tasks) {
      if (!task.wantsTick()) continue;
      task.process([]).then(
        (r) => settle(id, slot, r),
        (err: unknown) => log("task.error", { task: task.id, error: describeError(err) }),
      );
    }
  };

  /** After an error: re-read the task's inputs from the committed offsets (it reopens on the next batch). */
  const rewind = async (slot: Slot) => {
    const consumer = laneOf(slot.layout)?.consumer;
    if (consumer === null || consumer === undefined) return;
    for (const input of taskInputs(slot.layout, slot.partition)) {
      const groupId = slot.layout.consumerGroup;
      const offsets = await admin.fetchOffsets({ groupId, topics: [input.kafkaTopic] });
      const at = offsets[0]?.partitions.find((x) => x.partition === input.partition)?.offset ?? "-1";
      if (Number(at) >= 0) consumer.seek({ topic: input.kafkaTopic, partition: input.partition, offset: at });
    }
  };

  const eachBatch =
    (lane: Lane) =>
    async ({ batch, resolveOffset, heartbeat, isRunning }: EachBatchPayload) => {
      await chain;
      if (lane.rebalancing !== null) throw lane.rebalancing;
      const route = lane.routes.get(batch.topic);
      if (route === undefined || !isRunning() || lane.consumer === null) return;
      const slot: Slot = {
        layout: route.layout,
        partition: taskPartitionOf(route.layout, route.topic, batch.partition),
      };
      if (!lane.assigned.has(slot.partition)) return;
      observer?.fetched(batch.topic, batch.partition, Number(batch.highWatermark));
      const id = `${slot.layout.taskPrefix}${slot.partition}`;
      let committed = false;
      try {
        let task = tasks.get(id)?.task;
        if (task === undefined) {
          log("task.opening", { task: id });
          const ctx = {
            kafka,
            admin,
            layout: slot.layout,
            partition: slot.partition,
            log,
            observer,
            ...(opts.idleAfterMs !== undefined ? { idleAfterMs: opts.idleAfterMs } : {}),
          };
          task = await openWorkerTask(ctx, heartbeat);
          tasks.set(id, { task, slot });
        }
        const records = batch.messages.map((m) => toInput(route.topic, batch.partition, m));
        const fetched = {
          topic: route.topic,
          partition: batch.partition,
          next: Number(batch.lastOffset()) + 1,
          lag: Number(batch.offsetLag()),
        };
        committed = await settle(id, slot, await task.process(records, fetched));
        if (committed) {
          resolveOffset(batch.lastOffset());
          const high = Number(batch.highWatermark);
          status.fetched(batch.topic, batch.partition, high, fetched.next, records.length);
        }
      } catch (err) {
        log("task.error", { task: id, error: describeError(err) });
        await dropTask(id, "error");
        await rewind(slot);
      }
      // Outside the task's try: a heartbeat error is the group's, not the task's. REBALANCE_IN_PROGRESS
      // after a committed batch is a rebalance: thrown back to kafkajs, which rejoins; the new
      // assignment closes only the tasks that moved (the batch is committed, nothing is redone).
      if (committed) {
        try {
          await heartbeat();
        } catch (err) {
          if (isRebalance(err)) {
            if (lane.rebalancing === null) {
              log("worker.rebalancing", { consumerGroup: lane.consumerGroup, error: describeError(err) });
            }
            lane.rebalancing = err;
          }
          throw err;
        }
      }
    };

  const startLane = async (lane: Lane) => {
    const c = kafka.consumer({
      groupId: lane.consumerGroup,
      partitionAssigners: [taskAssigner],
      sessionTimeout: opts.sessionTimeoutMs ?? 10_000,
      heartbeatInterval: Math.max(100, Math.floor((opts.sessionTimeoutMs ?? 10_000) / 5)),
      readUncommitted: false,
      allowAutoTopicCreation: false,
      // Bounds how long stop() waits for an idle fetch to return.
      maxWaitTimeInMs: 1_000,
      ...(opts.maxBytesPerPartition ? { maxBytesPerPartition: opts.maxBytesPerPartition } : {}),
    });
    lane.consumer = c;
    c.on(c.events.GROUP_JOIN, (e) => onAssignment(lane, e.payload.memberAssignment));
    c.on(c.events.REBALANCING, () => observer?.rebalancing());
    // kafkajs restarts the consumer after retriable errors only; otherwise it stays stopped.
    c.on(c.events.CRASH, (e) => {
      log("worker.consumer-crashed", {
        consumerGroup: lane.consumerGroup,
        error: describeError(e.payload.error),
        restart: e.payload.restart,
      });
      if (!e.payload.restart) fail(e.payload.error);
    });
    await c.connect();
    await c.subscribe({ topics: [...lane.routes.keys()], fromBeginning: true });
    await c.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch: eachBatch(lane) });
  };

  return {
    failed,
    async start() {
      log("worker.starting", { group: opts.groupId, connection: describeConnection(opts.connection) });
      observer?.starting(opts.groupId);
      await admin.connect();
      layouts = await withRetries(() => prepareLayouts(admin, opts, log), log);
      lanes = lanesOf(layouts);
      // Joining before the new topics have leaders made kafkajs rejoin once per failed fetch.
      const read = lanes.flatMap((l) => [...l.routes.keys()]);
      const attempts = await waitForLeaders(admin, read);
      if (attempts > new Set(read).size) log("worker.leaders-settled", { attempts });
      for (const lane of lanes) await startLane(lane);
      if (layouts.length > 0) ticker = setInterval(tick, Math.min(...layouts.map((l) => l.idleMs)));
      const every = opts.statusIntervalMs ?? DEFAULT_STATUS_INTERVAL_MS;
      if (every > 0) statusTimer = setInterval(logStatus, every);
      purgeable = purgeableTopics(layouts);
      if (purgeable.size > 0) {
        const purgeEvery = opts.purgeIntervalMs ?? DEFAULT_PURGE_INTERVAL_MS;
        purgeTimer = setInterval(() => void purger.purge(), purgeEvery);
      }
      log("worker.joined", { group: opts.groupId, consumerGroups: lanes.map((l) => l.consumerGroup) });
    },
    async stop() {
      log("worker.stopping", {});
      observer?.stopping();
      if (ticker !== null) clearInterval(ticker);
      if (purgeTimer !== null) clearInterval(purgeTimer);
      if (statusTimer !== null) clearInterval(statusTimer);
      for (const lane of lanes) await lane.consumer?.stop();
      // The last line counts the records since the one before, the batch in flight included.
      if (statusTimer !== null) logStatus();
      for (const id of [...tasks.keys()]) await dropTask(id, "shutdown");
      for (const lane of lanes) await lane.consumer?.disconnect();
      await admin.disconnect();
      log("worker.stopped", { produceRequests: { ...produceEncodings } });
    },
  };
}

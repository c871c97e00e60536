// Kafka I/O stage: the worker's layout, one per task group (sub-topology, task-groups.ts): the Kafka
// topics each task reads and writes. Repartition topics mirror the embedded runner's channels:
// `<group>-<topic>` with N*N partitions, channel `to*N + from`, so task g_p merges one ordered
// channel per upstream task and its output does not depend on how upstream tasks interleave.
import type { Admin } from "kafkajs";
import type { Value } from "../core/value.ts";
import {
  deadLetterTopic as defaultDeadLetterTopic,
  groupChangelogs,
  internalTopics,
  prefixedChangelogTopic,
  repartitionTopic,
  resolvePartitionFormula,
} from "../plan/internal-topics.ts";
import { outputTopics } from "../plan/outputs.ts";
import type { ProgramPlan } from "../plan/plan.ts";
import { channelPartition, taskGroups } from "../plan/task-groups.ts";
import {
  consumerLanes,
  externalTopicsOf,
  laneConsumerGroup,
  workerPlanProblems,
} from "../plan/worker-lanes.ts";
import { WorkerConfigError } from "./kafka-errors.ts";
import { DEFAULT_MAX_MESSAGE_BYTES } from "./record-size.ts";
import {
  checkCopartitioned,
  ensureTopics,
  partitionCounts,
  type SinkTopicSettings,
  sinkTopicRequest,
  type TopicRequest,
  topicConfigs,
} from "./topics.ts";

/** The default clean state cache of a task with a state folder. */
export const DEFAULT_STATE_CACHE_BYTES = 64 * 1024 * 1024;
/** Structured log of a worker: an event name and its fields (one JSON line each). */
export type WorkerLog = (event: string, fields?: Record<string, unknown>) => void;

/** What every task of one task group shares. */
export interface TaskLayout {
  /** The application id: prefix of internal topics and transactional ids. */
  readonly groupId: string;
  /** The consumer lane of this task group (worker-lanes.ts). */
  readonly lane: number;
  /** The Kafka consumer group whose offsets this group's tasks commit (`<app>` in lane 0). */
  readonly consumerGroup: string;
  /** Index of the task group (sub-topology); task ids are `<p>` for a single group, else `<g>_<p>`. */
  readonly groupIndex: number;
  /** Prefix of this group's task ids ("" for a plan with one group, else `<g>_`). */
  readonly taskPrefix: string;
  readonly plan: ProgramPlan;
  readonly params?: Readonly<Record<string, Value>>;
  readonly segments: readonly string[];
  /** Plan topics read by the group (external topics and repartition topics, by their plan names). */
  readonly inputTopics: readonly string[];
  /** Partitions of the external inputs (N); repartition topics have N*N. */
  readonly partitions: number;
  /** Plan topic -> Kafka topic (identity for external topics; `<group>-<name>` for repartition topics). */
  readonly kafkaTopics: ReadonlyMap<string, string>;
  /** Plan repartition topics read here (read as N channels, one per upstream task). */
  readonly repartitionInputs: ReadonlySet<string>;
  /** Store name -> changelog topic. */
  readonly changelogs: ReadonlyMap<string, string>;
  readonly sinkPartitions: ReadonlyMap<string, number>;
  readonly deadLetterTopic: string;
  readonly deadLetterPartitions: number;
  /** max.message.bytes of every topic the tasks write (outputs, dead letters, changelogs, repartition). */
  readonly maxMessageBytes: ReadonlyMap<string, number>;
  /**
   * Wall-clock idle time (ms) after which a task reading several partitions stops waiting for an
   * input that has no data (else a quiet table partition would hold its stream records forever).
   */
  readonly idleMs: number;
  /** RocksDB state under `<stateDir>/<group>/<task>`; absent: memory stores rebuilt from the changelogs. */
  readonly stateDir?: string;
  /** With stateDir: bytes of clean state cache per task (docs/architecture.md, "State beyond memory"). */
  readonly stateCacheBytes: number;
}

/** One input partition of a task: the plan's topic name and partition, and the Kafka topic. */
export interface TaskInput {
  readonly topic: string;
  readonly kafkaTopic: string;
  readonly partition: number;
}

/** The input partitions of task p of a group (a repartition topic contributes N channels). */
export function taskInputs(layout: TaskLayout, p: number): TaskInput[] {
  const n = layout.partitions;
  return layout.inputTopics.flatMap((topic) => {
    const kafkaTopic = layout.kafkaTopics.get(topic) ?? topic;
    if (!layout.repartitionInputs.has(topic)) return [{ topic, kafkaTopic, partition: p }];
    return Array.from({ length: n }, (_, up) => ({
      topic,
      kafkaTopic,
      partition: channelPartition(p, up, n),
    }));
  });
}

/** The task partition a Kafka topic partition belongs to (channels `to*N + from` belong to `to`). */
export function taskPartitionOf(layout: TaskLayout, planTopic: string, partition: number): number {
  return layout.repartitionInputs.has(planTopic) ? Math.floor(partition / layout.partitions) : partition;
}

// Names re-exported for callers of the worker (changelogTopic takes a task group's prefix).
export { prefixedChangelogTopic as changelogTopic, repartitionTopic };

/** The changelog and repartition topics a worker of `groupId` creates when the inputs have `n` partitions. */
export function internalTopicRequests(plan: ProgramPlan, groupId: string, n: number): TopicRequest[] {
  return internalTopics(plan, groupId).map((t) => ({
    name: t.name,
    partitions: resolvePartitionFormula(t.partitions, n),
    compacted: t.compacted,
    // As Kafka Streams does: no time retention (records carry event times, maybe old ones); the
    // worker deletes what the downstream task has committed (repartition-purge.ts).
    ...(t.kind === "repartition" ? { config: { "retention.ms": "-1" } } : {}),
  }));
}

export interface LayoutOptions {
  readonly groupId: string;
  readonly plan: ProgramPlan;
  readonly params?: Readonly<Record<string, Value>>;
  readonly deadLetterTopic?: string;
  readonly idleMs?: number;
  readonly stateDir?: string;
  readonly stateCacheBytes?: number;
  /** Settings of output / dead-letter topics the worker creates, by topic name. */
  readonly sinkTopics?: Readonly<Record<string, SinkTopicSettings>>;
}

/** Refuses a plan the worker cannot run (the same problems `vigil check` reports as V2502). */
export function assertWorkerCanRun(plan: ProgramPlan): void {
  const problems = workerPlanProblems(plan);
  if (problems.length > 0) {
    const lines = problems.map((p) => `rule ${p.rule}: ${p.message}`);
    throw new WorkerConfigError(`the Kafka worker cannot run this plan: ${lines.join("; ")}`);
  }
}

/** Creates the internal topics and returns one layout per task group. */
export async function prepareLayouts(
  admin: Admin,
  opts: LayoutOptions,
  log: WorkerLog,
): Promise<TaskLayout[]> {
  assertWorkerCanRun(opts.plan);
  const groups = taskGroups(opts.plan);
  const laneOf = new Map(consumerLanes(groups).flatMap((l) => l.groups.map((g) => [g, l.index])));
  const external = [...new Set(groups.flatMap((g) => externalTopicsOf(g)))];
  const counts = await partitionCounts(admin, external);
  const problems = checkCopartitioned([{ processor: "every task's inputs", topics: external }], counts);
  if (problems.length > 0) throw new WorkerConfigError(problems.join("\n"));
  const n = counts.get(external[0]!) ?? 1;
  const reparts = [...new Set(groups.flatMap((g) => [...g.repartitionTopics]))];
  const kafkaTopics = new Map<string, string>(external.map((t) => [t, t]));
  for (const t of reparts) kafkaTopics.set(t, repartitionTopic(opts.groupId, t));
  const changelogs = groups.map((g) => groupChangelogs(opts.plan, opts.groupId, g));
  const deadLetterTopic = opts.deadLetterTopic ?? defaultDeadLetterTopic(opts.groupId);
  const sinks = outputTopics(opts.plan); // rule outputs and pattern timeout outputs
  const writable = [...sinks, deadLetterTopic];
  const unknown = Object.keys(opts.sinkTopics ?? {}).filter((t) => !writable.includes(t));
  if (unknown.length > 0) {
    throw new WorkerConfigError(
      `topic settings for ${unknown.map((t) => `'${t}'`).join(", ")}: no rule emits there ` +
        `(outputs and dead letters: ${writable.map((t) => `'${t}'`).join(", ")})`,
    );
  }
  const present = new Set(await admin.listTopics());
  const requests: TopicRequest[] = [
    ...internalTopicRequests(opts.plan, opts.groupId, n),
    ...writable
      .filter((name) => !present.has(name))
      .map((name) => sinkTopicRequest(name, n, opts.sinkTopics?.[name])),
  ];
  const made = await ensureTopics(admin, requests);
  log("worker.topics", { inputs: external, partitions: n, created: made.created, sinks, deadLetterTopic });
  const outCounts = await partitionCounts(admin, [...sinks, deadLetterTopic]);
  const written = [...writable, ...requests.map((r) => r.name)];
  const limits = await topicConfigs(admin, written, ["max.message.bytes"]);
  const maxMessageBytes = new Map(
    [...limits].map(([topic, c]) => [topic, Number(c.get("max.message.bytes") ?? DEFAULT_MAX_MESSAGE_BYTES)]),
  );
  return groups.map((g) => ({
    groupId: opts.groupId,
    lane: laneOf.get(g.index) ?? 0,
    consumerGroup: laneConsumerGroup(opts.groupId, laneOf.get(g.index) ?? 0),
    groupIndex: g.index,
    taskPrefix: groups.length === 1 ? "" : `${g.index}_`,
    plan: opts.plan,
    ...(opts.params ? { params: opts.params } : {}),
    segments: g.segments,
    inputTopics: g.topics,
    partitions: n,
    kafkaTopics,
    repartitionInputs: g.repartitionTopics,
    changelogs: changelogs[g.index]!,
    sinkPartitions: outCounts,
    deadLetterTopic,
    deadLetterPartitions: outCounts.get(deadLetterTopic) ?? 1,
    maxMessageBytes,
    idleMs: opts.idleMs ?? 500,
    ...(opts.stateDir !== undefined ? { stateDir: opts.stateDir } : {}),
    stateCacheBytes: opts.stateCacheBytes ?? DEFAULT_STATE_CACHE_BYTES,
  }));
}

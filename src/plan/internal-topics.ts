// Plan analysis: the Kafka topics an application creates for a plan, by name and partition count.
// The one source of truth for the Kafka worker (which creates them) and `vigil explain` (which
// prints them). N is the partition count every external input topic shares (the worker requires it).
import type { ProgramPlan } from "./plan.ts";
import { planSegments } from "./segments.ts";
import { type TaskGroup, taskGroups } from "./task-groups.ts";

/** The task-level store of a task's persisted timers (one per task, changelogged like operator stores). */
export const TIMER_STORE = "$timers";
/** The task-level store of a task's watermarks and input offsets. */
export const TASK_STORE = "$task";

/**
 * A partition count as a formula of N: `N` (one partition per task) or `N*N` (a repartition topic:
 * one channel per downstream partition and upstream task, see channelPartition in task-groups.ts).
 */
export type PartitionFormula = "N" | "N*N";

/** What an internal topic holds. */
export type InternalTopicKind = "changelog" | "repartition";

/** One topic the application creates. */
export interface InternalTopic {
  /** The Kafka topic name. */
  readonly name: string;
  readonly kind: InternalTopicKind;
  /** Changelogs are compacted (the latest value per key is the state); other topics are not. */
  readonly compacted: boolean;
  readonly partitions: PartitionFormula;
  /** Changelog: the store it backs; repartition: the plan topic it carries. */
  readonly owner: string;
  /** The task group whose tasks write it. */
  readonly taskGroup: number;
}

/** Kafka topic names allow [A-Za-z0-9._-]; store names may hold others (`$timers`). */
export function topicSafe(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/g, "_");
}

/** Prefix of a task group's changelogs: `<app>` for group 0, `<app>-g<i>` for group i >= 1. */
export function taskGroupPrefix(app: string, taskGroup: number): string {
  return taskGroup === 0 ? app : `${app}-g${taskGroup}`;
}

/**
 * Changelog topic of a store of task group `taskGroup`: `<app>-<store>-changelog` (group 0) or
 * `<app>-g<i>-<store>-changelog` (deterministic: a kept name keeps its state).
 */
export function changelogTopic(app: string, taskGroup: number, store: string): string {
  return prefixedChangelogTopic(taskGroupPrefix(app, taskGroup), store);
}

/** Changelog topic of a store under a task group's prefix (`taskGroupPrefix`): `<prefix>-<store>-changelog`. */
export function prefixedChangelogTopic(prefix: string, store: string): string {
  return `${prefix}-${topicSafe(store)}-changelog`;
}

/** Kafka name of a plan repartition topic: `<app>-<name>`. */
export function repartitionTopic(app: string, planTopic: string): string {
  return `${app}-${topicSafe(planTopic)}`;
}

/** The default dead-letter topic: `<app>-dead-letters`. */
export function deadLetterTopic(app: string): string {
  return `${app}-dead-letters`;
}

/** The partition count a formula gives for `n` input partitions. */
export function resolvePartitionFormula(formula: PartitionFormula, n: number): number {
  switch (formula) {
    case "N":
      return n;
    case "N*N":
      return n * n;
  }
}

/** The stores the tasks of one group write: its operators' stores, then the task-level stores. */
export function groupStores(plan: ProgramPlan, group: TaskGroup): string[] {
  const mine = new Set(group.segments);
  const names = planSegments(plan)
    .filter((s) => mine.has(s.id))
    .flatMap((s) => s.ops.flatMap((op) => ("store" in op ? [op.store.name] : [])));
  return [...new Set([...names, TIMER_STORE, TASK_STORE])];
}

/** Changelog topics of one task group, store name -> topic. */
export function groupChangelogs(plan: ProgramPlan, app: string, group: TaskGroup): Map<string, string> {
  return new Map(groupStores(plan, group).map((s) => [s, changelogTopic(app, group.index, s)]));
}

/**
 * Every changelog and repartition topic the application creates for `plan`, in a fixed order:
 * changelogs group by group, then repartition topics in plan order. The dead-letter topic is
 * created too (when absent) but is configurable: see `deadLetterTopic`.
 */
export function internalTopics(plan: ProgramPlan, app: string): InternalTopic[] {
  const groups = taskGroups(plan);
  const changelogs = groups.flatMap((g) =>
    [...groupChangelogs(plan, app, g)].map(([store, name]) => ({
      name,
      kind: "changelog" as const,
      compacted: true,
      partitions: "N" as const,
      owner: store,
      taskGroup: g.index,
    })),
  );
  const readers = groups.flatMap((g) => [...g.upstream]);
  const repartitions = [...new Map(readers)].map(([planTopic, writer]) => ({
    name: repartitionTopic(app, planTopic),
    kind: "repartition" as const,
    compacted: false,
    partitions: "N*N" as const,
    owner: planTopic,
    taskGroup: writer,
  }));
  return [...changelogs, ...repartitions];
}

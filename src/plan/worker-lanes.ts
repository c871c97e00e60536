// Plan analysis: how a Kafka worker reads the task groups of a plan (pure: no Kafka). A consumer
// group commits one offset per topic partition, so two task groups that read one external topic
// (a stream windowed before a re-key and joined after it, two rules re-keying one stream
// differently, a table joined before and after a `partition by`) cannot share a consumer. Task
// groups are put in **lanes**: lane 0 is the application's consumer group (`<app>`, so a plan
// without shared topics is read exactly as before); a task group that reads an external topic
// already read in every earlier lane opens the next one, `<app>-lane<i>`. Each lane is a consumer
// of its own with its own committed offsets; a task reads the same partitions as in the embedded
// runner, so its output is the embedded run's.
import { ruleSinks } from "./outputs.ts";
import type { ProgramPlan } from "./plan.ts";
import { type TaskGroup, taskGroups } from "./task-groups.ts";

/** One consumer of a worker: the task groups it feeds and the Kafka topics it subscribes to. */
export interface ConsumerLane {
  readonly index: number;
  /** Task group indexes, ascending. */
  readonly groups: readonly number[];
  /** External topics read in this lane (each by exactly one of its groups). */
  readonly externalTopics: readonly string[];
}

/** The external (non-repartition) topics a task group reads. */
export function externalTopicsOf(group: TaskGroup): string[] {
  return group.topics.filter((t) => !group.repartitionTopics.has(t));
}

/** Lanes of the task groups: each group goes to the first lane where none of its external topics is read yet. */
export function consumerLanes(groups: readonly TaskGroup[]): ConsumerLane[] {
  const lanes: { groups: number[]; topics: Set<string> }[] = [];
  for (const g of groups) {
    const mine = externalTopicsOf(g);
    let lane = lanes.find((l) => mine.every((t) => !l.topics.has(t)));
    if (lane === undefined) {
      lane = { groups: [], topics: new Set() };
      lanes.push(lane);
    }
    lane.groups.push(g.index);
    for (const t of mine) lane.topics.add(t);
  }
  return lanes.map((l, index) => ({ index, groups: l.groups, externalTopics: [...l.topics] }));
}

/** The Kafka consumer group of lane `lane`: the application id for lane 0, else `<app>-lane<i>`. */
export function laneConsumerGroup(app: string, lane: number): string {
  return lane === 0 ? app : `${app}-lane${lane}`;
}

/** A reason the worker refuses a plan, with the rule it concerns (for a diagnostic's position). */
export interface WorkerPlanProblem {
  readonly rule: string;
  readonly message: string;
}

/**
 * Why the Kafka worker cannot run `plan`, or [] when it can. Pure, so `vigil check` reports exactly
 * what `vigil run` would refuse. What is refused: rules that feed each other in a cycle through
 * topics (a rule's output reaching, through declared streams, a stream it reads): on Kafka it loops
 * for ever, and a replay cannot order it. Everything else is laid out in lanes (consumerLanes);
 * the remaining checks assert the lane invariants the worker relies on.
 */
export function workerPlanProblems(plan: ProgramPlan): WorkerPlanProblem[] {
  const problems: WorkerPlanProblem[] = topicCycles(plan);
  const groups = taskGroups(plan);
  for (const lane of consumerLanes(groups)) {
    const readers = new Map<string, number>();
    for (const gi of lane.groups) {
      const g = groups[gi]!;
      const external = externalTopicsOf(g);
      // The task assignor counts a lane's task partitions from its external topics.
      if (external.length === 0 && lane.index > 0) {
        problems.push({ rule: ruleOfGroup(g), message: `task group ${gi} reads no input topic` });
      }
      for (const t of external) {
        if (readers.has(t))
          problems.push({ rule: ruleOfGroup(g), message: `topic '${t}' is read twice in one consumer` });
        readers.set(t, gi);
      }
    }
  }
  return problems;
}

function ruleOfGroup(g: TaskGroup): string {
  return (g.segments[0] ?? "").split("#")[0] ?? "";
}

/** The topics each rule reads: its source stream and its joined streams and tables. */
function readTopics(plan: ProgramPlan, rule: ProgramPlan["rules"][number]): string[] {
  const streamTopic = (name: string) => plan.streams.find((s) => s.name === name)?.topic;
  const topics = [streamTopic(rule.source.stream)];
  for (const op of rule.ops) {
    if (op.kind === "stream-join") topics.push(streamTopic(op.right.stream));
    if (op.kind === "table-join") topics.push(plan.tables.find((t) => t.name === op.table)?.topic);
  }
  return topics.filter((t): t is string => t !== undefined);
}

/** Rules whose output comes back to them through topics (each cycle reported once, at its first rule). */
function topicCycles(plan: ProgramPlan): WorkerPlanProblem[] {
  const reads = new Map(plan.rules.map((r) => [r.name, new Set(readTopics(plan, r))]));
  const sinks = new Map(plan.rules.map((r) => [r.name, ruleSinks(r).map((k) => k.topic)]));
  // rule -> the rules reading a topic it emits to
  const next = new Map(
    plan.rules.map((r) => [
      r.name,
      plan.rules.filter((o) => sinks.get(r.name)!.some((t) => reads.get(o.name)!.has(t))).map((o) => o.name),
    ]),
  );
  const problems: WorkerPlanProblem[] = [];
  const reported = new Set<string>();
  for (const start of plan.rules) {
    if (reported.has(start.name)) continue;
    const path = cycleFrom(start.name, next);
    if (path === null) continue;
    for (const r of path) reported.add(r);
    // Each step names the topic that feeds the next rule (or, for the last, the start).
    const via = path.map((r, i) => {
      const to = path[i + 1] ?? start.name;
      return `${r} -> "${sinks.get(r)!.find((t) => reads.get(to)!.has(t))}"`;
    });
    problems.push({
      rule: start.name,
      message: `rules feed each other in a cycle through topics: ${via.join(" -> ")} -> ${start.name}`,
    });
  }
  return problems;
}

/** A path start -> ... -> (back to start), or null. Depth-first, in rule order. */
function cycleFrom(start: string, next: ReadonlyMap<string, readonly string[]>): string[] | null {
  const seen = new Set<string>();
  const walk = (at: string, path: string[]): string[] | null => {
    for (const n of next.get(at) ?? []) {
      if (n === start) return path;
      if (seen.has(n)) continue;
      seen.add(n);
      const found = walk(n, [...path, n]);
      if (found) return found;
    }
    return null;
  };
  return walk(start, [start]);
}

/** The rules in the order a replay runs them: stage d holds rules fed only by files and stages < d. */
export function ruleStages(plan: ProgramPlan, given: ReadonlySet<string>): string[][] {
  const writers = new Map<string, string[]>();
  for (const r of plan.rules)
    for (const topic of new Set(ruleSinks(r).map((k) => k.topic)))
      writers.set(topic, [...(writers.get(topic) ?? []), r.name]);
  const depth = new Map<string, number>();
  const visiting = new Set<string>();
  const depthOf = (name: string): number => {
    const known = depth.get(name);
    if (known !== undefined) return known;
    if (visiting.has(name)) throw new Error(`rules feed each other in a cycle through topics (rule ${name})`);
    visiting.add(name);
    const rule = plan.rules.find((r) => r.name === name)!;
    let d = 0;
    for (const t of readTopics(plan, rule)) {
      if (given.has(t)) continue;
      for (const w of writers.get(t) ?? []) d = Math.max(d, depthOf(w) + 1);
    }
    visiting.delete(name);
    depth.set(name, d);
    return d;
  };
  const stages: string[][] = [];
  for (const r of plan.rules) (stages[depthOf(r.name)] ??= []).push(r.name);
  return stages.filter((s) => s !== undefined);
}

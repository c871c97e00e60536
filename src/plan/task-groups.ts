// Plan analysis: how the segments of a plan are grouped into tasks (sub-topologies). Group 0 runs
// every rule segment fed by external topics; each repartition topic's segments form the next groups;
// right re-key segments (stream-join right sides) form the last group. No group reads its own output.
import type { ProgramPlan } from "./plan.ts";
import { planSegments, repartitionTopics, type Segment, segmentTopics, topicOrder } from "./segments.ts";

/** One sub-topology: the segments its tasks run and the topics they read (one task per partition). */
export interface TaskGroup {
  readonly index: number;
  /** Segment ids (segments.ts) run by every task of the group. */
  readonly segments: readonly string[];
  /** Every topic a task of the group reads, main inputs first. */
  readonly topics: readonly string[];
  /** The subset of `topics` that are repartition topics (read as one channel per upstream task). */
  readonly repartitionTopics: ReadonlySet<string>;
  /** For each repartition topic read here, the group whose tasks write it (one channel per writer task). */
  readonly upstream: ReadonlyMap<string, number>;
}

/** The task groups of a plan. */
export function taskGroups(plan: ProgramPlan): TaskGroup[] {
  const segments = planSegments(plan);
  const order = topicOrder(plan);
  const internal = repartitionTopics(plan);
  const rules = segments.filter((s) => s.role === "rule");
  const mains = [...new Set(rules.filter((s) => s.inputKind === "repartition").map((s) => s.inputTopic))];
  mains.sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0));
  const members: Segment[][] = [
    rules.filter((s) => s.inputKind === "stream"),
    ...mains.map((topic) => rules.filter((s) => s.inputTopic === topic)),
    segments.filter((s) => s.role === "right-rekey"),
  ].filter((m) => m.length > 0);
  const writer = new Map<string, number>();
  members.forEach((m, index) => {
    for (const s of m) if (s.rekey) writer.set(s.rekey.repartitionTopic, index);
  });
  return members.map((m, index) => {
    const topics = [...new Set(m.flatMap((s) => segmentTopics(s)))];
    const reparts = new Set(topics.filter((t) => internal.has(t)));
    return {
      index,
      segments: m.map((s) => s.id),
      topics,
      repartitionTopics: reparts,
      upstream: new Map([...reparts].map((t) => [t, writer.get(t) ?? -1])),
    };
  });
}

/** The log partition of the channel from upstream task `from` to downstream partition `to` (N*N partitions). */
export function channelPartition(to: number, from: number, partitions: number): number {
  return to * partitions + from;
}

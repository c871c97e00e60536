// Runtime stage: how the segments of a plan are grouped into tasks. Group 0 runs every segment fed by
// external topics; each repartition topic's segments form the next groups (sub-topologies, in DAG order).
import type { ProgramPlan } from "../plan/plan.ts";
import { planSegments, segmentTopics, topicOrder } from "./segments.ts";

/** One sub-topology: the topics its tasks read (one task per partition). */
export interface TaskGroup {
  readonly index: number;
  /** Every topic a task of the group reads, main inputs first. */
  readonly topics: readonly string[];
  /** The subset of `topics` that are repartition topics (read as one channel per upstream task). */
  readonly repartitionTopics: ReadonlySet<string>;
  /** For each repartition topic read here, the group whose tasks write it (one channel per writer task). */
  readonly upstream: ReadonlyMap<string, number>;
}

/** The task groups of a plan, in an order where every group comes after the groups that feed it. */
export function taskGroups(plan: ProgramPlan): TaskGroup[] {
  const segments = planSegments(plan);
  const order = topicOrder(plan);
  const mains = [...new Set(segments.filter((s) => s.inputKind === "repartition").map((s) => s.inputTopic))];
  mains.sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0));
  const groups: TaskGroup[] = [];
  const writerGroup = new Map<string, number>();
  const add = (members: typeof segments, repartition: Set<string>): void => {
    if (members.length === 0) return;
    const index = groups.length;
    const topics = [...new Set(members.flatMap((s) => segmentTopics(s)))];
    const upstream = new Map([...repartition].map((t) => [t, writerGroup.get(t) ?? -1]));
    groups.push({ index, topics, repartitionTopics: repartition, upstream });
    for (const s of members) if (s.rekey) writerGroup.set(s.rekey.repartitionTopic, index);
  };
  add(
    segments.filter((s) => s.inputKind === "stream"),
    new Set(),
  );
  for (const topic of mains) {
    add(
      segments.filter((s) => s.inputTopic === topic),
      new Set([topic]),
    );
  }
  return groups;
}

/** The log partition of the channel from upstream task `from` to downstream partition `to` (N*N partitions). */
export function channelPartition(to: number, from: number, partitions: number): number {
  return to * partitions + from;
}

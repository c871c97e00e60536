// Topology stage: partition counts. A Kafka worker reads every external input topic with the same
// partition count N (one task per partition) and sizes its internal topics from N: changelogs and
// dead letters N, repartition topics N*N (src/plan/internal-topics.ts). Joins list their
// co-partitioned inputs.
import { resolvePartitionFormula } from "../plan/internal-topics.ts";
import type { GraphBuilder } from "./graph-builder.ts";
import type { CopartitionGroup, Topology } from "./topology.ts";

/** The topics each join reads on each side, which must have equal partition counts. */
export function copartitionGroups(
  graph: GraphBuilder,
  joins: ReadonlyMap<string, readonly string[]>,
): CopartitionGroup[] {
  return [...joins].map(([processor, sides]) => ({
    processor,
    topics: [...new Set(sides.flatMap((side) => upstreamTopics(graph, side)))].sort(),
  }));
}

/** Topics read by the source nodes that feed `node` (walking predecessors). */
function upstreamTopics(graph: GraphBuilder, node: string): string[] {
  const seen = new Set<string>();
  const topics: string[] = [];
  const stack = [node];
  while (stack.length > 0) {
    const name = stack.pop()!;
    if (seen.has(name)) continue;
    seen.add(name);
    const draft = graph.draft(name);
    if (draft.kind === "source") topics.push(...draft.topics);
    else stack.push(...graph.predecessors(name));
  }
  return topics;
}

/** Partition counts resolved against the external topics' actual counts. */
export interface ResolvedPartitions {
  /** N: the partition count of the external inputs (of the first one when they differ; 1 when unknown). */
  readonly n: number;
  /** Internal topic -> partition count. */
  readonly internal: ReadonlyMap<string, number>;
  /** Problems a deployment must fix: a missing input topic, inputs with unequal partition counts. */
  readonly errors: readonly string[];
}

/** Resolves every internal topic's partition count from the external input topics' counts. */
export function resolvePartitions(
  topology: Pick<Topology, "topics">,
  external: ReadonlyMap<string, number>,
): ResolvedPartitions {
  const inputs = topology.topics.sources.map((s) => s.name);
  const errors = inputs
    .filter((t) => !external.has(t))
    .map((t) => `topic '${t}' does not exist (its partition count is needed)`);
  const known = inputs.filter((t) => external.has(t));
  const n = known.length > 0 ? external.get(known[0]!)! : 1;
  if (new Set(known.map((t) => external.get(t))).size > 1) {
    const list = known.map((t) => `${t}=${external.get(t)}`).join(", ");
    errors.push(`every input topic needs the same partition count: ${list}`);
  }
  const internal = new Map(
    topology.topics.internal.map((t) => [t.name, resolvePartitionFormula(t.partitions, n)] as const),
  );
  return { n, internal, errors };
}

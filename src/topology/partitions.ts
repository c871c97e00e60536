// Topology stage: partition-count requirements. Internal topics take their partition count from
// external topics (as Kafka Streams does): a changelog has one partition per task of its
// sub-topology; a repartition topic matches its upstream inputs, or the topics it is joined with.
import type { GraphBuilder } from "./graph-builder.ts";
import type { CopartitionGroup, InternalTopicSpec, StoreTopologySpec, SubTopology } from "./topology.ts";

interface Inputs {
  readonly subTopologies: readonly SubTopology[];
  readonly stores: readonly StoreTopologySpec[];
  readonly joins: ReadonlyMap<string, readonly string[]>;
  readonly graph: GraphBuilder;
}

/** Computes co-partition groups and the internal topics with their partition requirements. */
export function partitionRequirements(inp: Inputs): {
  internal: InternalTopicSpec[];
  copartitionGroups: CopartitionGroup[];
} {
  const copartitionGroups = [...inp.joins].map(([processor, sides]) => ({
    processor,
    topics: [...new Set(sides.flatMap((side) => upstreamTopics(inp.graph, side)))].sort(),
  }));
  const repartitions = repartitionTopics(inp.subTopologies);
  const expand = expander(inp.subTopologies, repartitions, copartitionGroups);
  const internal: InternalTopicSpec[] = [];
  for (const [topic, writer] of repartitions) {
    internal.push({
      name: topic,
      kind: "repartition",
      cleanupPolicy: "delete",
      partitionsLike: expand(topic),
      owner: writer.selector,
    });
  }
  for (const store of inp.stores) {
    const sub = inp.subTopologies[store.subTopology]!;
    internal.push({
      name: store.changelogTopic,
      kind: "changelog",
      cleanupPolicy: "compact",
      partitionsLike: uniqueSorted(sourceTopics(sub).flatMap(expand)),
      owner: store.name,
    });
  }
  return { internal, copartitionGroups };
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

interface Writer {
  readonly subTopology: number;
  readonly selector: string;
}

function repartitionTopics(subTopologies: readonly SubTopology[]): Map<string, Writer> {
  const out = new Map<string, Writer>();
  for (const sub of subTopologies) {
    for (const node of sub.nodes) {
      if (node.kind === "sink" && node.target === "repartition" && !out.has(node.topic)) {
        out.set(node.topic, { subTopology: sub.id, selector: node.predecessors[0] ?? node.name });
      }
    }
  }
  return out;
}

function sourceTopics(sub: SubTopology): string[] {
  return sub.nodes.flatMap((n) => (n.kind === "source" ? n.topics : []));
}

/** topic -> the external topics whose largest partition count it must have. */
function expander(
  subTopologies: readonly SubTopology[],
  repartitions: ReadonlyMap<string, Writer>,
  groups: readonly CopartitionGroup[],
): (topic: string) => string[] {
  const memo = new Map<string, string[]>();
  const visiting = new Set<string>();
  const upstream = (topic: string): string[] => {
    const writer = repartitions.get(topic);
    if (writer === undefined) return [topic];
    if (visiting.has(topic)) return [];
    visiting.add(topic);
    const out = uniqueSorted(sourceTopics(subTopologies[writer.subTopology]!).flatMap(upstream));
    visiting.delete(topic);
    return out;
  };
  return (topic) => {
    const known = memo.get(topic);
    if (known !== undefined) return known;
    let result = upstream(topic);
    if (repartitions.has(topic)) {
      const group = groups.find((g) => g.topics.includes(topic));
      const externals = group?.topics.filter((t) => !repartitions.has(t)) ?? [];
      if (externals.length > 0) result = externals;
    }
    memo.set(topic, result);
    return result;
  };
}

function uniqueSorted(xs: readonly string[]): string[] {
  return [...new Set(xs)].sort();
}

/** Partition counts resolved against the external topics' actual counts. */
export interface ResolvedPartitions {
  /** Internal topic -> partition count. */
  readonly internal: ReadonlyMap<string, number>;
  /** Problems a deployment must fix: a missing external topic, a co-partition group with unequal counts. */
  readonly errors: readonly string[];
}

/** Resolves every internal topic's partition count from the external topics' counts. */
export function resolvePartitions(
  internal: readonly InternalTopicSpec[],
  groups: readonly CopartitionGroup[],
  external: ReadonlyMap<string, number>,
): ResolvedPartitions {
  const errors: string[] = [];
  const counts = new Map<string, number>();
  const missing = new Set<string>();
  for (const topic of internal) {
    let n = 0;
    for (const t of topic.partitionsLike) {
      const c = external.get(t);
      if (c === undefined) missing.add(t);
      else n = Math.max(n, c);
    }
    counts.set(topic.name, Math.max(n, 1));
  }
  for (const t of missing) errors.push(`topic '${t}' does not exist (its partition count is needed)`);
  for (const g of groups) {
    const sizes = g.topics.map((t) => [t, external.get(t) ?? counts.get(t)] as const);
    const distinct = new Set(sizes.map(([, n]) => n).filter((n) => n !== undefined));
    if (distinct.size > 1) {
      const list = sizes.map(([t, n]) => `${t}=${n ?? "?"}`).join(", ");
      errors.push(`join '${g.processor}' needs co-partitioned inputs with equal partition counts: ${list}`);
    }
  }
  return { internal: counts, errors };
}

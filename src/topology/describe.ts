// Topology stage: prints a topology in the Kafka Streams `describe()` layout (sub-topologies,
// sources, processors with their stores, sinks), then stores, internal topics and co-partitioning.
import { topologyToDot } from "./render-dot.ts";
import { topologyToJson } from "./render-json.ts";
import { topologyToMermaid } from "./render-mermaid.ts";
import type { InternalTopicSpec, SubTopology, Topology, TopologyNode } from "./topology.ts";

export type TopologyFormat = "text" | "mermaid" | "dot" | "json";
export const TOPOLOGY_FORMATS: readonly TopologyFormat[] = ["text", "mermaid", "dot", "json"];

/** Renders a topology in one of the formats `vigil explain` offers. */
export function renderTopology(topology: Topology, format: TopologyFormat): string {
  switch (format) {
    case "text":
      return describeTopology(topology);
    case "mermaid":
      return topologyToMermaid(topology);
    case "dot":
      return topologyToDot(topology);
    case "json":
      return topologyToJson(topology);
  }
}

/**
 * The Kafka Streams layout, e.g.
 * ```
 * Topologies:
 *    Sub-topology: 0
 *     Source: payments-source (topics: [payments])
 *       --> card_testing.pattern
 * ```
 */
export function describeTopology(topology: Topology): string {
  const lines = ["Topologies:"];
  for (const sub of topology.subTopologies) lines.push(...describeSubTopology(sub), "");
  lines.push(...describeExtras(topology));
  return `${lines.join("\n").trimEnd()}\n`;
}

function describeSubTopology(sub: SubTopology): string[] {
  const lines = [`   Sub-topology: ${sub.id}`];
  for (const node of sub.nodes) {
    lines.push(`    ${nodeHeader(node)}`);
    if (node.kind !== "sink") lines.push(`      --> ${list(node.successors)}`);
    if (node.kind !== "source") lines.push(`      <-- ${list(node.predecessors)}`);
  }
  return lines;
}

function nodeHeader(node: TopologyNode): string {
  switch (node.kind) {
    case "source":
      return `Source: ${node.name} (topics: [${node.topics.join(", ")}])`;
    case "processor":
      return `Processor: ${node.name} (stores: [${node.stores.join(", ")}])`;
    case "sink":
      return `Sink: ${node.name} (topic: ${node.topic})`;
  }
}

function list(names: readonly string[]): string {
  return names.length === 0 ? "none" : names.join(", ");
}

function describeExtras(t: Topology): string[] {
  const lines: string[] = [];
  if (t.stores.length > 0) {
    lines.push("Stores:");
    for (const s of t.stores) {
      lines.push(
        `  ${s.name} (${s.kind}, sub-topology ${s.subTopology}, task group ${s.taskGroup}, changelog: ${s.changelogTopic})`,
      );
    }
    lines.push("");
  }
  if (t.topics.internal.length > 0) {
    const inputs = t.topics.sources.map((x) => x.name).join(", ");
    lines.push(`Internal topics (N = partitions of every input topic: ${inputs}):`);
    for (const topic of t.topics.internal) lines.push(`  ${internalTopicLine(topic)}`);
    lines.push("");
  }
  if (t.consumerGroups.length > 1) {
    lines.push("Consumer groups (an input topic is read by several task groups: one group per lane):");
    for (const g of t.consumerGroups) lines.push(`  ${g.name} (task groups ${g.taskGroups.join(", ")})`);
    lines.push("");
  }
  if (t.copartitionGroups.length > 0) {
    lines.push("Co-partitioned topics:");
    for (const g of t.copartitionGroups) lines.push(`  [${g.topics.join(", ")}] (join: ${g.processor})`);
    lines.push("");
  }
  return lines;
}

function internalTopicLine(topic: InternalTopicSpec): string {
  switch (topic.kind) {
    case "changelog":
      return `${topic.name} (changelog, compacted, task group ${topic.taskGroup}, ${topic.partitions} partitions)`;
    case "repartition":
      return `${topic.name} (repartition, written by task group ${topic.taskGroup}, ${topic.partitions} partitions)`;
    case "dead-letter":
      return `${topic.name} (dead letters, ${topic.partitions} partitions, created when absent)`;
  }
}

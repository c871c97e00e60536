// Topology stage: the topology as Graphviz DOT: one cluster per sub-topology, topics and stores as
// their own nodes. Deterministic: the same topology prints the same text.
import type { Topology, TopologyNode } from "./topology.ts";

/** Graphviz `digraph` text for the topology (`dot -Tsvg`). */
export function topologyToDot(t: Topology): string {
  const lines = [
    "digraph topology {",
    "  rankdir=LR;",
    '  node [fontname="Helvetica", fontsize=10];',
    `  label=${quote(`app: ${t.app}`)};`,
  ];
  for (const sub of t.subTopologies) {
    lines.push(`  subgraph cluster_${sub.id} {`, `    label=${quote(`Sub-topology ${sub.id}`)};`);
    for (const node of sub.nodes) lines.push(`    ${quote(node.name)} [${attributes(node)}];`);
    lines.push("  }");
  }
  const topics = new Set<string>();
  for (const sub of t.subTopologies) {
    for (const node of sub.nodes) {
      if (node.kind === "source") for (const topic of node.topics) topics.add(topic);
      if (node.kind === "sink") topics.add(node.topic);
    }
  }
  for (const topic of topics) lines.push(`  ${quote(`topic:${topic}`)} [shape=cds, label=${quote(topic)}];`);
  for (const s of t.stores)
    lines.push(`  ${quote(`store:${s.name}`)} [shape=cylinder, label=${quote(s.name)}];`);
  for (const e of t.edges) lines.push(`  ${quote(e.from)} -> ${quote(e.to)};`);
  for (const sub of t.subTopologies) {
    for (const node of sub.nodes) {
      if (node.kind === "source") {
        for (const topic of node.topics) lines.push(`  ${quote(`topic:${topic}`)} -> ${quote(node.name)};`);
      }
      if (node.kind === "sink") lines.push(`  ${quote(node.name)} -> ${quote(`topic:${node.topic}`)};`);
    }
  }
  for (const s of t.stores) {
    for (const p of s.processors) {
      lines.push(`  ${quote(p)} -> ${quote(`store:${s.name}`)} [style=dashed, arrowhead=none];`);
    }
  }
  lines.push("}");
  return `${lines.join("\n")}\n`;
}

function attributes(node: TopologyNode): string {
  switch (node.kind) {
    case "source":
      return "shape=invhouse";
    case "sink":
      return "shape=house";
    case "processor": {
      const label = node.detail === "" ? node.name : `${node.name}\n${node.detail}`;
      return `shape=box, style=rounded, label=${quote(label)}`;
    }
  }
}

/** A DOT double-quoted string. */
function quote(s: string): string {
  return `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;
}

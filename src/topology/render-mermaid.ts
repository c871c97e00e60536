// Topology stage: the topology as a Mermaid flowchart: one subgraph per sub-topology, topics as
// stadiums, stores as cylinders (dotted links). Node ids are positional, so output is deterministic.
import type { Topology, TopologyNode } from "./topology.ts";

/** Mermaid `flowchart LR` text for the topology. */
export function topologyToMermaid(t: Topology): string {
  const ids = new Map<string, string>();
  const topicIds = new Map<string, string>();
  const storeIds = new Map<string, string>();
  const topicId = (name: string): string => idFor(topicIds, name, "t");
  const lines = ["flowchart LR"];
  for (const sub of t.subTopologies) {
    lines.push(`  subgraph st${sub.id}["Sub-topology ${sub.id}"]`);
    for (const node of sub.nodes) {
      lines.push(`    ${idFor(ids, node.name, "n")}${shape(node)}`);
    }
    lines.push("  end");
  }
  for (const topic of allTopics(t)) lines.push(`  ${topicId(topic)}(["${escapeLabel(topic)}"])`);
  for (const store of t.stores)
    lines.push(`  ${idFor(storeIds, store.name, "s")}[("${escapeLabel(store.name)}")]`);
  for (const e of t.edges) lines.push(`  ${ids.get(e.from)} --> ${ids.get(e.to)}`);
  for (const sub of t.subTopologies) {
    for (const node of sub.nodes) lines.push(...topicLinks(node, ids.get(node.name)!, topicId));
  }
  for (const store of t.stores) {
    for (const p of store.processors) lines.push(`  ${ids.get(p)} -.- ${storeIds.get(store.name)}`);
  }
  return `${lines.join("\n")}\n`;
}

function idFor(map: Map<string, string>, name: string, prefix: string): string {
  let id = map.get(name);
  if (id === undefined) {
    id = `${prefix}${map.size}`;
    map.set(name, id);
  }
  return id;
}

function shape(node: TopologyNode): string {
  const name = escapeLabel(node.name);
  switch (node.kind) {
    case "source":
      return `[/"${name}"/]`;
    case "sink":
      return `[\\"${name}"\\]`;
    case "processor":
      return node.detail === ""
        ? `["${name}"]`
        : `["${name}<br/><small>${escapeLabel(node.detail)}</small>"]`;
  }
}

function topicLinks(node: TopologyNode, id: string, topicId: (t: string) => string): string[] {
  if (node.kind === "source") return node.topics.map((topic) => `  ${topicId(topic)} --> ${id}`);
  if (node.kind === "sink") return [`  ${id} --> ${topicId(node.topic)}`];
  return [];
}

function allTopics(t: Topology): string[] {
  const topics: string[] = [];
  const add = (x: string): void => {
    if (!topics.includes(x)) topics.push(x);
  };
  for (const sub of t.subTopologies) {
    for (const node of sub.nodes) {
      if (node.kind === "source") node.topics.forEach(add);
      if (node.kind === "sink") add(node.topic);
    }
  }
  return topics;
}

/** Mermaid entity escapes for characters that would end or break a quoted label. */
function escapeLabel(s: string): string {
  return s.replace(/&/g, "#amp;").replace(/"/g, "#quot;").replace(/</g, "#lt;").replace(/>/g, "#gt;");
}

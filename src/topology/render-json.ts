// Topology stage: the topology as JSON, the model a dashboard draws. Keys come out in a fixed
// order whatever order the objects were built in, so the text is stable (golden-testable).
import type { Topology, TopologyNode } from "./topology.ts";

/** Pretty-printed JSON (2-space indent, trailing newline) with a canonical key order. */
export function topologyToJson(t: Topology): string {
  return `${JSON.stringify(canonicalTopology(t), null, 2)}\n`;
}

/** A copy of the topology whose objects list their keys in the documented order. */
export function canonicalTopology(t: Topology): Topology {
  return {
    version: t.version,
    app: t.app,
    subTopologies: t.subTopologies.map((s) => ({
      id: s.id,
      rules: [...s.rules],
      nodes: s.nodes.map(canonicalNode),
    })),
    edges: t.edges.map((e) => ({ from: e.from, to: e.to })),
    stores: t.stores.map((s) => ({
      name: s.name,
      kind: s.kind,
      rule: s.rule,
      subTopology: s.subTopology,
      taskGroup: s.taskGroup,
      processors: [...s.processors],
      changelogTopic: s.changelogTopic,
    })),
    topics: {
      sources: t.topics.sources.map((x) => ({ name: x.name, users: [...x.users] })),
      sinks: t.topics.sinks.map((x) => ({ name: x.name, users: [...x.users] })),
      internal: t.topics.internal.map((x) => ({
        name: x.name,
        kind: x.kind,
        cleanupPolicy: x.cleanupPolicy,
        partitions: x.partitions,
        taskGroup: x.taskGroup,
        owner: x.owner,
      })),
    },
    copartitionGroups: t.copartitionGroups.map((g) => ({ processor: g.processor, topics: [...g.topics] })),
    consumerGroups: t.consumerGroups.map((g) => ({ name: g.name, taskGroups: [...g.taskGroups] })),
  };
}

function canonicalNode(n: TopologyNode): TopologyNode {
  const links = { successors: [...n.successors], predecessors: [...n.predecessors] };
  switch (n.kind) {
    case "source":
      return {
        kind: n.kind,
        name: n.name,
        subTopology: n.subTopology,
        topics: [...n.topics],
        origin: n.origin,
        declaration: n.declaration,
        ...links,
      };
    case "processor":
      return {
        kind: n.kind,
        name: n.name,
        subTopology: n.subTopology,
        role: n.role,
        rule: n.rule,
        stores: [...n.stores],
        detail: n.detail,
        ...links,
      };
    case "sink":
      return {
        kind: n.kind,
        name: n.name,
        subTopology: n.subTopology,
        topic: n.topic,
        target: n.target,
        rule: n.rule,
        ...links,
      };
  }
}

// Topology stage: a mutable node graph used while building a topology, then frozen into
// sub-topologies (connected components over edges and shared stores), numbered by first creation.
import type {
  ProcessorNode,
  SinkNode,
  SourceNode,
  SubTopology,
  TopologyEdge,
  TopologyNode,
} from "./topology.ts";

type Draft<N extends TopologyNode> = Omit<N, "subTopology" | "successors" | "predecessors">;
export type NodeDraft = Draft<SourceNode> | Draft<ProcessorNode> | Draft<SinkNode>;

interface Entry {
  readonly draft: NodeDraft;
  readonly index: number;
  readonly successors: string[];
  readonly predecessors: string[];
}

/** Collects nodes and edges in creation order; names must be unique. */
export class GraphBuilder {
  private readonly entries = new Map<string, Entry>();
  private readonly edgeList: TopologyEdge[] = [];

  has(name: string): boolean {
    return this.entries.has(name);
  }

  add(draft: NodeDraft): string {
    if (this.entries.has(draft.name)) {
      throw new Error(`topology: two nodes are named '${draft.name}'; operator names must be unique`);
    }
    this.entries.set(draft.name, { draft, index: this.entries.size, successors: [], predecessors: [] });
    return draft.name;
  }

  connect(from: string, to: string): void {
    const a = this.entry(from);
    const b = this.entry(to);
    if (a.successors.includes(to)) return;
    a.successors.push(to);
    b.predecessors.push(from);
    this.edgeList.push({ from, to });
  }

  predecessors(name: string): readonly string[] {
    return this.entry(name).predecessors;
  }

  draft(name: string): NodeDraft {
    return this.entry(name).draft;
  }

  edges(): readonly TopologyEdge[] {
    return this.edgeList;
  }

  /** Groups nodes into sub-topologies: connected by an edge, a store both use, or both fed by declared streams. */
  freeze(): { subTopologies: SubTopology[]; nodeSubTopology: ReadonlyMap<string, number> } {
    const parent = new Map<string, string>();
    const find = (n: string): string => {
      let root = n;
      while (parent.get(root) !== root) root = parent.get(root)!;
      parent.set(n, root);
      return root;
    };
    const union = (a: string, b: string): void => {
      const [ra, rb] = [find(a), find(b)];
      if (ra === rb) return;
      // Keep the earliest-created node as root so numbering follows creation order.
      if (this.entry(ra).index < this.entry(rb).index) parent.set(rb, ra);
      else parent.set(ra, rb);
    };
    for (const name of this.entries.keys()) parent.set(name, name);
    for (const e of this.edgeList) union(e.from, e.to);
    // One task runs every rule over partition p of every external stream (src/runtime/task-api.ts),
    // so everything fed by declared streams is one sub-topology, as the runtime's task group 0.
    let firstStream: string | undefined;
    for (const [name, { draft }] of this.entries) {
      if (draft.kind !== "source" || draft.origin !== "stream") continue;
      if (firstStream === undefined) firstStream = name;
      else union(firstStream, name);
    }
    const storeOwner = new Map<string, string>();
    for (const [name, { draft }] of this.entries) {
      if (draft.kind !== "processor") continue;
      for (const store of draft.stores) {
        const first = storeOwner.get(store);
        if (first === undefined) storeOwner.set(store, name);
        else union(first, name);
      }
    }
    return this.number(find);
  }

  private number(find: (n: string) => string): {
    subTopologies: SubTopology[];
    nodeSubTopology: ReadonlyMap<string, number>;
  } {
    const ids = new Map<string, number>();
    const members: Entry[][] = [];
    for (const [name, entry] of this.entries) {
      const root = find(name);
      let id = ids.get(root);
      if (id === undefined) {
        id = members.length;
        ids.set(root, id);
        members.push([]);
      }
      members[id]!.push(entry);
    }
    const nodeSubTopology = new Map<string, number>();
    const subTopologies = members.map((list, id) => {
      const ordered = [
        ...list.filter((e) => e.draft.kind === "source"),
        ...list.filter((e) => e.draft.kind !== "source"),
      ];
      const nodes = ordered.map((e) => this.toNode(e, id));
      for (const n of nodes) nodeSubTopology.set(n.name, id);
      return { id, nodes, rules: rulesOf(nodes) };
    });
    return { subTopologies, nodeSubTopology };
  }

  private toNode(e: Entry, subTopology: number): TopologyNode {
    return {
      ...e.draft,
      subTopology,
      successors: [...e.successors],
      predecessors: [...e.predecessors],
    } as TopologyNode;
  }

  private entry(name: string): Entry {
    const e = this.entries.get(name);
    if (e === undefined) throw new Error(`topology: unknown node '${name}'`);
    return e;
  }
}

function rulesOf(nodes: readonly TopologyNode[]): string[] {
  const rules: string[] = [];
  for (const n of nodes) {
    const rule = n.kind === "source" ? null : n.rule;
    if (rule !== null && !rules.includes(rule)) rules.push(rule);
  }
  return rules;
}

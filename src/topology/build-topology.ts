// Topology stage: ProgramPlan -> physical DAG. Deterministic: the same plan and app id give the same
// node names, sub-topology numbers, stores and topics. A re-key splits a rule at a repartition topic.
import { deadLetterTopic, internalTopics, repartitionTopic } from "../plan/internal-topics.ts";
import { opSinks } from "../plan/outputs.ts";
import type { PlanOp, ProgramPlan, RekeyOp, RulePlan, StreamJoinOp, TableJoinOp } from "../plan/plan.ts";
import { rightNeedsRepartition, rightRepartitionTopic } from "../plan/segments.ts";
import { taskGroups } from "../plan/task-groups.ts";
import { consumerLanes, laneConsumerGroup } from "../plan/worker-lanes.ts";
import { GraphBuilder } from "./graph-builder.ts";
import { describeOp } from "./op-detail.ts";
import { copartitionGroups } from "./partitions.ts";
import type {
  InternalTopicSpec,
  ProcessorRole,
  StoreTopologySpec,
  Topology,
  TopologyTopics,
} from "./topology.ts";
import { TOPOLOGY_FORMAT_VERSION } from "./topology.ts";

/** Default application id (consumer group) when none is given. */
export const DEFAULT_APP_ID = "vigil";

interface StoreUse {
  readonly kind: StoreTopologySpec["kind"];
  readonly rule: string;
  readonly processors: string[];
}

/** Internal state while building: the graph plus what topics and stores the nodes use. */
interface BuildState {
  readonly plan: ProgramPlan;
  readonly app: string;
  readonly graph: GraphBuilder;
  readonly stores: Map<string, StoreUse>;
  readonly outputs: Map<string, string[]>;
  readonly repartitions: Map<string, string>;
  /** Join processor -> the input node names of each side, for co-partitioning. */
  readonly joins: Map<string, readonly string[]>;
}

/**
 * Builds the physical topology of a program for application id `app`.
 *
 * @example buildTopology(plan, "fraud").subTopologies[0].nodes[0].name  // "payments-source"
 */
export function buildTopology(plan: ProgramPlan, app: string = DEFAULT_APP_ID): Topology {
  const st: BuildState = {
    plan,
    app,
    graph: new GraphBuilder(),
    stores: new Map(),
    outputs: new Map(),
    repartitions: new Map(),
    joins: new Map(),
  };
  for (const rule of plan.rules) addRule(st, rule);
  const { subTopologies, nodeSubTopology } = st.graph.freeze();
  const internal = internalTopicSpecs(st);
  const changelogs = new Map(
    internal.filter((t) => t.kind === "changelog").map((t) => [t.owner, t] as const),
  );
  const stores: StoreTopologySpec[] = [...st.stores].map(([name, use]) => {
    const changelog = changelogs.get(name);
    if (!changelog) throw new Error(`topology: store ${name} has no changelog`);
    return {
      name,
      kind: use.kind,
      rule: use.rule,
      processors: use.processors,
      subTopology: nodeSubTopology.get(use.processors[0]!)!,
      taskGroup: changelog.taskGroup ?? 0,
      changelogTopic: changelog.name,
    };
  });
  const topics: TopologyTopics = {
    sources: externalSources(subTopologies),
    sinks: [...st.outputs].map(([name, users]) => ({ name, users })),
    internal,
  };
  return {
    version: TOPOLOGY_FORMAT_VERSION,
    app,
    subTopologies,
    edges: st.graph.edges(),
    stores,
    topics,
    copartitionGroups: copartitionGroups(st.graph, st.joins),
    consumerGroups: consumerLanes(taskGroups(plan)).map((lane) => ({
      name: laneConsumerGroup(app, lane.index),
      taskGroups: lane.groups,
    })),
  };
}

function addRule(st: BuildState, rule: RulePlan): void {
  let current = streamSource(st, rule.source.stream);
  for (const op of rule.ops) current = addOp(st, rule.name, op, current);
  const sink = st.graph.add({
    kind: "sink",
    name: rule.sink.name,
    topic: rule.sink.topic,
    target: "output",
    rule: rule.name,
  });
  st.graph.connect(current, sink);
  useOutput(st, rule.sink.topic, rule.name);
}

function useOutput(st: BuildState, topic: string, rule: string): void {
  const users = st.outputs.get(topic) ?? [];
  if (!users.includes(rule)) users.push(rule);
  st.outputs.set(topic, users);
}

/** A side sink of a processor (a pattern's timeout output), an output topic beside the rule's own. */
function addSideSinks(st: BuildState, rule: string, op: PlanOp, processorName: string): void {
  for (const sink of opSinks(op)) {
    const node = st.graph.add({ kind: "sink", name: sink.name, topic: sink.topic, target: "timeout", rule });
    st.graph.connect(processorName, node);
    useOutput(st, sink.topic, rule);
  }
}

/** Adds the node(s) of one operator after `current`; returns the node the next operator follows. */
function addOp(st: BuildState, rule: string, op: PlanOp, current: string): string {
  switch (op.kind) {
    case "rekey":
      return addRekey(st, rule, op, current);
    case "stream-join":
      return addStreamJoin(st, rule, op, current);
    case "table-join":
      return addTableJoin(st, rule, op, current);
    default: {
      const stores = op.kind === "filter" ? [] : [op.store.name];
      const name = processor(st, rule, op.name, op.kind, stores, describeOp(op));
      if (op.kind !== "filter") useStore(st, op.store.name, op.store.kind, rule, name);
      st.graph.connect(current, name);
      addSideSinks(st, rule, op, name);
      return name;
    }
  }
}

function addRekey(st: BuildState, rule: string, op: RekeyOp, current: string): string {
  const name = processor(st, rule, op.name, "rekey", [], describeOp(op));
  st.graph.connect(current, name);
  return repartition(st, rule, name, repartitionTopic(st.app, op.repartitionTopic));
}

/** Key selector -> repartition sink -> (topic) -> repartition source; returns the source. */
function repartition(st: BuildState, rule: string, selector: string, topic: string): string {
  const sink = st.graph.add({
    kind: "sink",
    name: `${selector}-repartition-sink`,
    topic,
    target: "repartition",
    rule,
  });
  st.graph.connect(selector, sink);
  const source = st.graph.add({
    kind: "source",
    name: `${selector}-repartition-source`,
    topics: [topic],
    origin: "repartition",
    declaration: selector,
  });
  st.repartitions.set(topic, selector);
  return source;
}

function addStreamJoin(st: BuildState, rule: string, op: StreamJoinOp, current: string): string {
  let right = streamSource(st, op.right.stream);
  if (rightNeedsRepartition(st.plan, op)) {
    const selector = processor(st, rule, `${op.name}.right-rekey`, "join-right-rekey", [], "");
    st.graph.connect(right, selector);
    right = repartition(st, rule, selector, repartitionTopic(st.app, rightRepartitionTopic(op)));
  }
  const name = processor(st, rule, op.name, "stream-join", [op.store.name], describeOp(op));
  useStore(st, op.store.name, op.store.kind, rule, name);
  st.graph.connect(current, name);
  st.graph.connect(right, name);
  st.joins.set(name, [current, right]);
  return name;
}

function addTableJoin(st: BuildState, rule: string, op: TableJoinOp, current: string): string {
  const table = st.plan.tables.find((t) => t.name === op.table);
  const source = sourceNode(st, op.table, table?.topic ?? op.table, "table");
  const materializer = `${op.store.name}-materialize`;
  if (!st.graph.has(materializer)) {
    processor(st, rule, materializer, "table-materialize", [op.store.name], `latest ${op.table} per key`);
    useStore(st, op.store.name, op.store.kind, rule, materializer);
    st.graph.connect(source, materializer);
  }
  const name = processor(st, rule, op.name, "table-join", [op.store.name], describeOp(op));
  useStore(st, op.store.name, op.store.kind, rule, name);
  st.graph.connect(current, name);
  st.joins.set(name, [current, source]);
  return name;
}

/**
 * The topics a Kafka worker of application `app` creates (src/plan/internal-topics.ts, shared with
 * the worker), plus the dead-letter topic it creates when absent.
 */
function internalTopicSpecs(st: BuildState): InternalTopicSpec[] {
  const created = internalTopics(st.plan, st.app).map((t) => ({
    name: t.name,
    kind: t.kind,
    cleanupPolicy: t.compacted ? ("compact" as const) : ("delete" as const),
    partitions: t.partitions,
    taskGroup: t.taskGroup,
    owner: t.kind === "changelog" ? t.owner : (st.repartitions.get(t.name) ?? t.owner),
  }));
  const deadLetters: InternalTopicSpec = {
    name: deadLetterTopic(st.app),
    kind: "dead-letter",
    cleanupPolicy: "delete",
    partitions: "N",
    taskGroup: null,
    owner: "",
  };
  return [...created, deadLetters];
}

function streamSource(st: BuildState, stream: string): string {
  const decl = st.plan.streams.find((s) => s.name === stream);
  return sourceNode(st, stream, decl?.topic ?? stream, "stream");
}

function sourceNode(st: BuildState, decl: string, topic: string, origin: "stream" | "table"): string {
  const name = `${decl}-source`;
  if (st.graph.has(name)) return name;
  return st.graph.add({ kind: "source", name, topics: [topic], origin, declaration: decl });
}

function processor(
  st: BuildState,
  rule: string,
  name: string,
  role: ProcessorRole,
  stores: readonly string[],
  detail: string,
): string {
  return st.graph.add({ kind: "processor", name, role, rule, stores, detail });
}

function useStore(st: BuildState, name: string, kind: StoreUse["kind"], rule: string, node: string): void {
  const use = st.stores.get(name);
  if (use === undefined) st.stores.set(name, { kind, rule, processors: [node] });
  else if (!use.processors.includes(node)) use.processors.push(node);
}

function externalSources(subTopologies: Topology["subTopologies"]): TopologyTopics["sources"] {
  const users = new Map<string, string[]>();
  for (const sub of subTopologies) {
    for (const node of sub.nodes) {
      if (node.kind !== "source" || node.origin === "repartition") continue;
      for (const topic of node.topics) {
        const list = users.get(topic) ?? [];
        if (!list.includes(node.declaration)) list.push(node.declaration);
        users.set(topic, list);
      }
    }
  }
  return [...users].map(([name, list]) => ({ name, users: list }));
}

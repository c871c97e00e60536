// Topology stage: the physical DAG model that `vigil explain` prints, the Kafka workers deploy
// (topics to create, partition counts) and a dashboard draws. Plain data, JSON-stable, versioned.
import type { PartitionFormula } from "../plan/internal-topics.ts";
import type { PlanOpKind, StoreSpec } from "../plan/plan.ts";

/** Bumped when the JSON shape changes incompatibly; readers check it. */
export const TOPOLOGY_FORMAT_VERSION = 2;

/** A whole program's physical topology for one application id (the Kafka consumer group). */
export interface Topology {
  readonly version: typeof TOPOLOGY_FORMAT_VERSION;
  /** Application id: prefixes internal topics; the consumer group of the workers. */
  readonly app: string;
  /** Connected components of the node graph (edges and shared stores), numbered from 0. */
  readonly subTopologies: readonly SubTopology[];
  /** Every edge, `from` -> `to`, in a deterministic order (also present as successors/predecessors). */
  readonly edges: readonly TopologyEdge[];
  readonly stores: readonly StoreTopologySpec[];
  readonly topics: TopologyTopics;
  /** Topics that must have the same partition count (both sides of a join). */
  readonly copartitionGroups: readonly CopartitionGroup[];
  /**
   * The Kafka consumer groups a worker of `app` joins, one per lane (src/plan/worker-lanes.ts), with
   * the task groups each feeds. One entry (`app`) unless an input topic is read by several task groups.
   */
  readonly consumerGroups: readonly { readonly name: string; readonly taskGroups: readonly number[] }[];
}

export interface SubTopology {
  readonly id: number;
  /** Sources first, then processors and sinks in pipeline order. */
  readonly nodes: readonly TopologyNode[];
  /** Rules with at least one node in this sub-topology, in program order. */
  readonly rules: readonly string[];
}

export type TopologyNode = SourceNode | ProcessorNode | SinkNode;
export type TopologyNodeKind = TopologyNode["kind"];

interface NodeBase {
  readonly name: string;
  readonly subTopology: number;
  readonly successors: readonly string[];
  readonly predecessors: readonly string[];
}

/** Reads one or more topics: a declared stream or table, or an internal repartition topic. */
export interface SourceNode extends NodeBase {
  readonly kind: "source";
  readonly topics: readonly string[];
  /** What the topic holds: a declared stream, a declared table, or a repartition topic. */
  readonly origin: "stream" | "table" | "repartition";
  /** Stream or table name for declared topics; the rekeying operator for repartition topics. */
  readonly declaration: string;
}

/** What a processor does: a plan operator, the key selector before a repartition, or a table materializer. */
export type ProcessorRole = PlanOpKind | "table-materialize" | "join-right-rekey";

export interface ProcessorNode extends NodeBase {
  readonly kind: "processor";
  readonly role: ProcessorRole;
  /** Owning rule; null for nodes shared by several rules (none today, kept for the model). */
  readonly rule: string | null;
  readonly stores: readonly string[];
  /** One line a person reads: `sliding 1h, grace 0s; count, sum; having`. */
  readonly detail: string;
}

export interface SinkNode extends NodeBase {
  readonly kind: "sink";
  readonly topic: string;
  /**
   * Output topic of a rule (`output`), of a pattern's timed-out partial matches (`timeout`, fed by
   * the pattern's processor), or an internal repartition topic.
   */
  readonly target: "output" | "timeout" | "repartition";
  readonly rule: string | null;
}

export interface TopologyEdge {
  readonly from: string;
  readonly to: string;
}

/** A state store as deployed: its operator, its changelog topic. */
export interface StoreTopologySpec {
  readonly name: string;
  readonly kind: StoreSpec["kind"];
  readonly rule: string;
  /** Processor nodes that read or write it (a table store: its materializer and the join). */
  readonly processors: readonly string[];
  readonly subTopology: number;
  /** The task group (Kafka sub-topology, src/plan/task-groups.ts) whose tasks write the store. */
  readonly taskGroup: number;
  /** `<app>-<store>-changelog` (task group 0) or `<app>-g<i>-<store>-changelog`, compacted. */
  readonly changelogTopic: string;
}

export interface TopologyTopics {
  /** External input topics (declared streams and tables) in first-use order. */
  readonly sources: readonly ExternalTopicSpec[];
  /** Output topics the rules emit to. */
  readonly sinks: readonly ExternalTopicSpec[];
  /**
   * Topics the application creates: changelogs (operator stores and each task group's `$timers` and
   * `$task` stores), repartition topics, and the dead-letter topic (when absent). Exactly the
   * topics a Kafka worker of this application id creates (src/plan/internal-topics.ts).
   */
  readonly internal: readonly InternalTopicSpec[];
}

export interface ExternalTopicSpec {
  readonly name: string;
  /** Declared stream/table names read from it, or rules writing to it. */
  readonly users: readonly string[];
}

export interface InternalTopicSpec {
  readonly name: string;
  readonly kind: "repartition" | "changelog" | "dead-letter";
  readonly cleanupPolicy: "delete" | "compact";
  /**
   * Partition count as a formula of N, the partition count every external input topic must share:
   * `N`, or `N*N` for a repartition topic (one channel per downstream partition and upstream task).
   * Resolve with `resolvePartitions`.
   */
  readonly partitions: PartitionFormula;
  /** Changelog: the task group writing it; repartition: the group writing it; dead letters: null (every group). */
  readonly taskGroup: number | null;
  /** Changelog: the store it backs; repartition: the rekeying processor; dead letters: "". */
  readonly owner: string;
}

export interface CopartitionGroup {
  /** Join processor that requires it. */
  readonly processor: string;
  /** Sorted topic names (external and internal) that must have equal partition counts. */
  readonly topics: readonly string[];
}

// Topology stage: public entry points (build, describe, resolve partition counts) and the model types.
export { buildTopology, DEFAULT_APP_ID } from "./build-topology.ts";
export { describeTopology, renderTopology, TOPOLOGY_FORMATS, type TopologyFormat } from "./describe.ts";
export { formatDuration } from "./op-detail.ts";
export { resolvePartitions } from "./partitions.ts";
export { topologyToJson } from "./render-json.ts";
export type * from "./topology.ts";

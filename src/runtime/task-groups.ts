// Moved to src/plan/task-groups.ts (task grouping is plan analysis); this re-export keeps importers
// that are not yet updated compiling. Import from src/plan/task-groups.ts instead.
export { channelPartition, type TaskGroup, taskGroups } from "../plan/task-groups.ts";

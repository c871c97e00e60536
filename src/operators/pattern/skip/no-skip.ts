// Operators stage (pattern, policy): NO SKIP: every match is emitted, overlapping ones included
// (Flink's noSkip, MATCH_RECOGNIZE has no equivalent). Nothing is pruned.
import { NEVER_MISSES, type SkipPolicy } from "./cursor.ts";

/** Emits every match as soon as it completes. */
export function noSkip(): SkipPolicy {
  return { kind: "no-skip", prunes: false, cursor: () => null, miss: NEVER_MISSES };
}

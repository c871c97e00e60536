// Operators stage (pattern, policy): SKIP PAST LAST (the default): matches never share an event; the
// next match starts after this match's last event, so an incident alerts once (SQL:2016's default).
import type { Take } from "../shared-buffer.ts";
import { NEVER_MISSES, positionOf, type SkipPolicy } from "./cursor.ts";

/** The next match must start after this match's last event. */
export function skipPastLast(): SkipPolicy {
  return {
    kind: "skip-past-last",
    prunes: true,
    miss: NEVER_MISSES,
    cursor: (takes: readonly Take[]) => ({
      pos: positionOf(takes[takes.length - 1] as Take),
      inclusive: false,
    }),
  };
}

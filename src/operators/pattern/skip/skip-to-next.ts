// Operators stage (pattern, policy): SKIP TO NEXT: at most one match per start event; the next match
// starts strictly after this match's first event (MATCH_RECOGNIZE's AFTER MATCH SKIP TO NEXT ROW).

import type { Take } from "../shared-buffer.ts";
import { NEVER_MISSES, positionOf, type SkipPolicy } from "./cursor.ts";

/** The next match must start after this match's first event. */
export function skipToNext(): SkipPolicy {
  return {
    kind: "skip-to-next",
    prunes: true,
    miss: NEVER_MISSES,
    cursor: (takes: readonly Take[]) => ({ pos: positionOf(takes[0] as Take), inclusive: false }),
  };
}

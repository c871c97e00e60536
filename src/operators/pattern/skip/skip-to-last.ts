// Operators stage (pattern, policy): SKIP TO LAST X: the next match starts at the last event step X
// took (or later); when that is the match's own first event, or X took nothing, strictly after it.
// With `or fail` such a match is refused instead (KeyNfa writes it off and skips past its last event).
import type { Take } from "../shared-buffer.ts";
import { type SkipPolicy, toStepCursor, toStepMiss } from "./cursor.ts";

/** The next match may start at the last event taken by `step`. */
export function skipToLast(step: string, orFail: boolean): SkipPolicy {
  return {
    kind: "skip-to-last",
    prunes: true,
    cursor: (takes: readonly Take[], names: readonly string[]) =>
      toStepCursor(takes, names.indexOf(step), "last"),
    miss: (takes: readonly Take[], names: readonly string[]) =>
      orFail ? toStepMiss(takes, names.indexOf(step), "last") : null,
  };
}

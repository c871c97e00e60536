// Operators stage (pattern, policy): SKIP TO FIRST X: the next match starts at the first event step X
// took (or later); when that is the match's own first event, or X took nothing, strictly after it.
// With `or fail` such a match is refused instead (KeyNfa writes it off and skips past its last event).
import type { Take } from "../shared-buffer.ts";
import { type SkipPolicy, toStepCursor, toStepMiss } from "./cursor.ts";

/** The next match may start at the first event taken by `step`. */
export function skipToFirst(step: string, orFail: boolean): SkipPolicy {
  return {
    kind: "skip-to-first",
    prunes: true,
    cursor: (takes: readonly Take[], names: readonly string[]) =>
      toStepCursor(takes, names.indexOf(step), "first"),
    miss: (takes: readonly Take[], names: readonly string[]) =>
      orFail ? toStepMiss(takes, names.indexOf(step), "first") : null,
  };
}

// Operators stage (pattern, policy): SKIP TO LAST X: the next match starts at the last event step X
// took (or later); when that is the match's own first event, or X took nothing, strictly after it.
import type { Take } from "../shared-buffer.ts";
import { type SkipPolicy, toStepCursor } from "./cursor.ts";

/** The next match may start at the last event taken by `step`. */
export function skipToLast(step: string): SkipPolicy {
  return {
    kind: "skip-to-last",
    prunes: true,
    cursor: (takes: readonly Take[], names: readonly string[]) =>
      toStepCursor(takes, names.indexOf(step), "last"),
  };
}

// Operators stage (pattern, policy): after-match skip strategies. Once a match is emitted, a strategy
// says where the next match may start; partial and completed matches starting earlier are dropped.
import type { SkipStrategy } from "../../../plan/plan.ts";
import type { SkipPolicy } from "./cursor.ts";
import { noSkip } from "./no-skip.ts";
import { skipPastLast } from "./skip-past-last.ts";
import { skipToFirst } from "./skip-to-first.ts";
import { skipToLast } from "./skip-to-last.ts";
import { skipToNext } from "./skip-to-next.ts";

export {
  admits,
  type Cursor,
  comparePositions,
  type Position,
  positionOf,
  type SkipMiss,
  type SkipPolicy,
  toStepCursor,
} from "./cursor.ts";

/** The policy for a plan's skip strategy. */
export function skipPolicy(strategy: SkipStrategy): SkipPolicy {
  switch (strategy.kind) {
    case "no-skip":
      return noSkip();
    case "skip-to-next":
      return skipToNext();
    case "skip-past-last":
      return skipPastLast();
    case "skip-to-first":
      return skipToFirst(strategy.step, strategy.orFail);
    case "skip-to-last":
      return skipToLast(strategy.step, strategy.orFail);
  }
}

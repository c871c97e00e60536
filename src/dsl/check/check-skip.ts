// DSL checker: a pattern's after-match skip strategy. `skip to first/last STEP` must name a step of
// the pattern (V2406); its `or fail` option is refused where every match would fail (V2413: the
// target is a negated step, or the first step) and flagged where no match can fail (V2412), both
// decided from the steps' quantifiers alone.
import type { SkipStrategy } from "../../plan/plan.ts";
import type * as ast from "../ast/index.ts";
import type { RuleContext } from "./rule-context.ts";
import type { StepInfo } from "./scope.ts";
import { didYouMean } from "./suggest.ts";

/** The plan's skip strategy of `m` (default: skip past last), with its diagnostics reported. */
export function skipStrategy(ctx: RuleContext, m: ast.MatchClause, infos: readonly StepInfo[]): SkipStrategy {
  const skip = m.skip;
  if (skip === null) return { kind: "skip-past-last" };
  if (skip.strategy !== "skip-to-first" && skip.strategy !== "skip-to-last") return { kind: skip.strategy };
  const step = skip.step?.name ?? "";
  if (!infos.some((s) => s.name === step)) {
    const hint = didYouMean(
      step,
      infos.map((s) => s.name),
      "steps",
    );
    ctx.rep.report(
      "V2406",
      skip.step?.span ?? skip.span,
      { strategy: skip.strategy.replace(/-/g, " "), name: step },
      hint,
    );
  } else if (skip.orFail) {
    checkOrFail(ctx, m, skip, step);
  }
  return { kind: skip.strategy, step, orFail: skip.orFail };
}

const minOf = (s: ast.PatternStep): number => s.quantifier?.min ?? 1;
const maxOf = (s: ast.PatternStep): number | null => (s.quantifier === null ? 1 : s.quantifier.max);

/**
 * A match fails `skip to first/last X or fail` when X took no event (X optional) or when the event
 * skipped to is the match's own first event: X's first event when no step before X took one, or X's
 * last when, besides, X took exactly one. A step before X with a minimum of 1 (or X's minimum of 2 for
 * `last`) rules the second case out; X being the pattern's first step makes it certain for `first`
 * (and for `last` when X takes a single event).
 */
function checkOrFail(ctx: RuleContext, m: ast.MatchClause, skip: ast.SkipClause, step: string): void {
  const positives = m.steps.filter((s) => !s.negated);
  const at = positives.findIndex((s) => s.name.name === step);
  const target = positives[at];
  const which = skip.strategy === "skip-to-first" ? "first" : "last";
  const text = `skip to ${which} ${step} or fail`;
  if (target === undefined) {
    ctx.rep.report(
      "V2413",
      skip.span,
      { message: `\`${text}\` fails every match: \`${step}\` is a negated step, which takes no event` },
      "skip to a step that takes events, or drop `or fail`",
    );
    return;
  }
  const earlierRequired = positives.slice(0, at).some((s) => minOf(s) > 0);
  if (at === 0 && (which === "first" || maxOf(target) === 1)) {
    ctx.rep.report(
      "V2413",
      skip.span,
      {
        message: `\`${text}\` fails every match: step \`${step}\` is the pattern's first step, so its ${which} event is the match's own first event (or it took none)`,
      },
      "skip to a later step, or drop `or fail` (the match then skips to the next event)",
    );
    return;
  }
  const canMiss = minOf(target) === 0;
  const canBeStart = !earlierRequired && (which === "first" || minOf(target) < 2);
  if (!canMiss && !canBeStart) {
    ctx.rep.report(
      "V2412",
      skip.span,
      {
        message: `\`or fail\` never fails here: step \`${step}\` takes at least one event in every match, after the match's first event`,
      },
      `drop \`or fail\`: \`skip to ${which} ${step}\` always has its target`,
    );
  }
}

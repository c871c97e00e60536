// DSL checker: patterns. Step names unique and distinct from the rule's bindings; conditions may
// refer only to earlier steps and their own step; aggregates only over looping steps; an unbounded
// loop needs `within` or `until`; a trailing negation needs `within`; without `within` a pattern must be
// strict (every connector `next`, every loop finite and `consecutive`) so its state stays bounded.
import type { PatternStep, Quantifier } from "../../plan/plan.ts";
import type * as ast from "../ast/index.ts";
import { checkCondition } from "./check-expr.ts";
import { skipStrategy } from "./check-skip.ts";
import type { CheckedSink } from "./checked.ts";
import type { RuleContext } from "./rule-context.ts";
import { row } from "./rule-context.ts";
import type { Scope, StepInfo } from "./scope.ts";

const ONCE: Quantifier = { min: 1, max: null, greedy: false, longest: false };

// `longest` is greedy and more (M7L), so the plan marks it greedy too (the cheap path and M7 see it).
function quantifier(q: ast.Quantifier | null): Quantifier {
  return q === null
    ? { ...ONCE, max: 1 }
    : { min: q.min, max: q.max, greedy: q.greedy || q.longest, longest: q.longest };
}

function isLooping(q: Quantifier): boolean {
  return q.max === null || q.max > 1;
}

/** Structural rules that need no expression checking. */
function checkShape(ctx: RuleContext, m: ast.MatchClause): StepInfo[] {
  const infos: StepInfo[] = [];
  const first = ctx.rep.diagnostics.length;
  m.steps.forEach((s, i) => {
    const name = s.name.name;
    if (infos.some((x) => x.name === name) || ctx.scope.rows.has(name)) {
      ctx.rep.report("V2006", s.name.span, {
        what: "pattern step",
        name,
        first: "as an earlier step or binding of this rule",
      });
    }
    const q = quantifier(s.quantifier);
    if (q.max === 0) {
      ctx.rep.report(
        "V2405",
        s.quantifier?.span ?? s.span,
        { message: `step \`${name}\` can take no event` },
        "remove the step, or allow at least one event",
      );
    }
    if (s.negated) checkNegation(ctx, m, s, i);
    else if (q.max === null && s.until === null && m.within === null)
      ctx.rep.report("V2403", s.name.span, { name });
    infos.push({ name, looping: !s.negated && isLooping(q), negated: s.negated });
  });
  const reported = ctx.rep.diagnostics.slice(first).some((d) => d.code === "V2403" || d.code === "V2404");
  if (!reported) checkBounded(ctx, m);
  return infos;
}

/**
 * Without `within`, partial matches are kept until they complete or die. They die quickly only when
 * every step after the first follows with `next` and every loop is finite and `consecutive`: then a
 * partial match that does not advance on the key's next event is dropped. Anything else (`->`, `->>`,
 * an unbounded loop, a relaxed loop) can keep a partial match, and start a new one, forever.
 */
function checkBounded(ctx: RuleContext, m: ast.MatchClause): void {
  // A gap bound (`within D between steps`) ends every partial match D after its last take.
  if (m.within !== null || m.gap !== null) return;
  for (const s of m.steps) {
    const name = s.name.name;
    if (s.connector !== null && s.connector !== "strict") {
      const arrow = s.connector === "relaxed" ? "->" : "->>";
      const reason = `step \`${name}\` follows with \`${arrow}\`, which waits for it across any number of events`;
      ctx.rep.report("V2407", s.name.span, { reason });
      return;
    }
    const q = s.quantifier;
    if (q !== null && isLooping(quantifier(q)) && (q.max === null || q.inner !== "strict")) {
      const reason = `step \`${name}\` loops ${q.max === null ? "without bound" : "over non-consecutive events"}`;
      ctx.rep.report("V2407", s.name.span, { reason });
      return;
    }
  }
}

function checkNegation(ctx: RuleContext, m: ast.MatchClause, s: ast.PatternStep, i: number): void {
  const name = s.name.name;
  if (i === 0) {
    ctx.rep.report(
      "V2405",
      s.span,
      { message: `the pattern starts with the negated step \`${name}\`` },
      "a negation sits between two steps, or at the end with `within`",
    );
  } else if (s.quantifier !== null) {
    ctx.rep.report(
      "V2405",
      s.quantifier.span,
      { message: `negated step \`${name}\` cannot have a quantifier` },
      "a negated step forbids any matching event; remove the quantifier",
    );
  } else if (m.steps[i - 1]?.negated === true) {
    ctx.rep.report(
      "V2405",
      s.span,
      { message: `two negated steps in a row (\`${m.steps[i - 1]!.name.name}\`, \`${name}\`)` },
      "combine them into one condition with `or`",
    );
  }
  // A trailing negation is decided when the horizon passes: `within` after the first event, or the gap after the last.
  if (i === m.steps.length - 1 && m.within === null && m.gap === null)
    ctx.rep.report("V2404", s.name.span, { name });
}

function stepScope(ctx: RuleContext, infos: readonly StepInfo[], current: number): Scope {
  const rows = new Map(ctx.scope.rows);
  const src = ctx.scope.rows.get(ctx.sourceAlias)!;
  for (const s of infos)
    if (!rows.has(s.name)) rows.set(s.name, row(s.name, src.schema, `step \`${s.name}\``));
  return {
    ...ctx.scope,
    rows,
    pattern: { steps: infos, current, alias: ctx.sourceAlias },
    clause: `step \`${infos[current]?.name ?? ""}\``,
  };
}

function checkStep(ctx: RuleContext, infos: readonly StepInfo[], s: ast.PatternStep, i: number): PatternStep {
  const scope = stepScope(ctx, infos, i);
  const condition = s.condition === null ? null : checkCondition(s.condition, scope, ctx.rep);
  const untilScope = { ...scope, clause: `\`until\` of step \`${s.name.name}\`` };
  const until = s.until === null ? null : checkCondition(s.until, untilScope, ctx.rep);
  return {
    name: s.name.name,
    condition,
    quantifier: quantifier(s.quantifier),
    contiguity: s.connector ?? "relaxed",
    innerContiguity: s.quantifier?.inner ?? "relaxed",
    until,
    negated: s.negated,
  };
}

/** The match's output environment: steps, the source alias (the match's last event); joined aliases are gone. */
function outputScope(ctx: RuleContext, m: ast.MatchClause, infos: readonly StepInfo[]): Scope {
  const src = ctx.scope.rows.get(ctx.sourceAlias)!;
  const rows = new Map([[ctx.sourceAlias, src]]);
  const hidden = new Map<string, string>();
  for (const name of ctx.scope.rows.keys()) {
    if (name !== ctx.sourceAlias)
      hidden.set(name, "the pattern (a match binds its steps and the source alias)");
  }
  for (const s of m.steps) {
    if (s.negated) continue;
    const optional = s.quantifier !== null && s.quantifier.min === 0;
    rows.set(s.name.name, { ...row(s.name.name, src.schema, `step \`${s.name.name}\``), nullable: optional });
  }
  return {
    ...ctx.scope,
    rows,
    pattern: { steps: infos, current: infos.length, alias: ctx.sourceAlias },
    hidden,
    clause: "the output",
  };
}

/**
 * A timed-out partial match's output environment: the match's output scope, but any step may have
 * taken nothing yet (every step row is nullable).
 */
function timeoutScope(scope: Scope): Scope {
  const rows = new Map(scope.rows);
  for (const s of scope.pattern?.steps ?? []) {
    const r = rows.get(s.name);
    if (r !== undefined) rows.set(s.name, { ...r, nullable: true });
  }
  return { ...scope, rows };
}

/** Checks an `emit` in a scope (check-rule.ts owns emit checking). */
export type CheckEmit = (e: ast.EmitClause, scope: Scope) => CheckedSink;

function checkOnTimeout(ctx: RuleContext, m: ast.MatchClause, checkEmit: CheckEmit): CheckedSink | null {
  const e = m.onTimeout;
  if (e === null) return null;
  if (m.within === null && m.gap === null) {
    ctx.rep.report(
      "V2409",
      e.span,
      { message: "`on timeout` needs `within`: a partial match times out when `within` ends" },
      "add `within 30m` to the pattern",
    );
  }
  if (e.mode !== null) {
    ctx.rep.report(
      "V2409",
      e.span,
      { message: `\`on timeout emit ${e.mode}\`: a timeout output has no emit mode` },
      'write `on timeout emit to "topic" { ... }`',
    );
  }
  return checkEmit(e, timeoutScope(ctx.scope));
}

/** `within D between steps`: a positive duration, shorter than `within` (else it never ends a match first). */
function checkGap(ctx: RuleContext, m: ast.MatchClause): void {
  const g = m.gap;
  if (g === null) return;
  if (g.ms <= 0) ctx.rep.report("V2106", g.span, { text: `${g.amount}${g.unit}` });
  else if (m.within !== null && g.ms >= m.within.ms) {
    ctx.rep.report(
      "V2410",
      g.span,
      {
        message: `the bound between steps (${g.amount}${g.unit}) is not shorter than \`within ${m.within.amount}${m.within.unit}\`, so it never ends a match`,
      },
      "make it shorter than `within`, or drop one of the two bounds",
    );
  }
}

/** `match once` starts at the first event its first step takes, so that step must take one. */
function checkOnce(ctx: RuleContext, m: ast.MatchClause): void {
  const first = m.steps[0];
  if (!m.once || first === undefined || first.quantifier === null || first.quantifier.min > 0) return;
  ctx.rep.report(
    "V2411",
    first.quantifier.span,
    {
      message: `\`match once\` starts at the first event step \`${first.name.name}\` takes, but it may take none`,
    },
    "give the first step a quantifier with a minimum of 1 (`+`, `{1,3}`), or move the optional step later",
  );
}

/** Checks `match ... within ... skip ...` and switches the scope to the match's output environment. */
export function checkMatch(ctx: RuleContext, m: ast.MatchClause, checkEmit: CheckEmit): void {
  const infos = checkShape(ctx, m);
  const steps = m.steps.map((s, i) => checkStep(ctx, infos, s, i));
  if (m.within !== null && m.within.ms <= 0) {
    ctx.rep.report("V2106", m.within.span, { text: `${m.within.amount}${m.within.unit}` });
  }
  checkGap(ctx, m);
  checkOnce(ctx, m);
  const skip = skipStrategy(ctx, m, infos);
  ctx.scope = outputScope(ctx, m, infos);
  const onTimeout = checkOnTimeout(ctx, m, checkEmit);
  ctx.ops.push({
    kind: "pattern",
    steps,
    withinMs: m.within?.ms ?? null,
    gapMs: m.gap?.ms ?? null,
    startOnce: m.once,
    skip,
    onTimeout,
    named: m.named?.value ?? null,
  });
}

// Operators stage (pattern): the cheap path. Most events of a fraud pattern satisfy no step (96% of
// the card-testing benchmark's payments are neither small nor big); such an event need not be
// buffered, timed, scanned or fed to the NFA at all, provided the pattern cannot notice it.
//
// An event is *inert* when, for every step (positive or negated) and every `until`, some conjunct
// of the condition that reads only the candidate event is not true. Then no prefix can make any
// step take it, stop on it or end a loop at it. In the NFA (compile-nfa.ts) such an event can only
// follow ignore edges: a loop(i) partial match splits into again(i) plus enter(i, j) partials whose
// continuations are exactly those loop(i) would have had, and every other state stays where it is.
// That equivalence fails in two cases, which therefore turn the cheap path off for the pattern:
// - strict contiguity (`next`, strict loops, `not next`): an ignored event breaks the chain;
// - greedy (and longest) loops: loop(i) refuses to proceed while it could still loop, again(i)+enter(i,j)
//   does not, and a longest loop's decide(i) state must see the very next event.
// Time is not a difference: an inert event's own time would prune partial matches older than
// `within`, but each of those has a timer at start + within that fires no later than the event.
import { isRow, type Value } from "../../core/value.ts";
import { conjuncts, type Expr, PREV_BINDING, renameBinding } from "../../plan/expr.ts";
import type { PatternStep } from "../../plan/plan.ts";
import type { Env } from "./compile-nfa.ts";

/** True when the event (its record environment) cannot be seen by the pattern. */
export type InertTest = (value: Env) => boolean;

/**
 * The inert test for a pattern, or null when the pattern has no cheap path (a strict or greedy step,
 * or a step, negation or `until` with no condition on the candidate alone).
 */
export function inertTest(
  steps: readonly PatternStep[],
  alias: string,
  compile: (e: Expr) => (env: Env) => Value,
): InertTest | null {
  const loops = (s: PatternStep) => s.quantifier.max === null || s.quantifier.max > 1;
  const greedy = (s: PatternStep) => s.quantifier.greedy || s.quantifier.longest;
  if (steps.some((s) => loops(s) && (greedy(s) || s.innerContiguity === "strict"))) return null;
  if (steps.some((s, i) => i > 0 && s.contiguity === "strict")) return null;
  const names = new Set(steps.map((s) => s.name));
  const checks: ((value: Env) => boolean)[] = [];
  for (const s of steps) {
    // A step without a condition takes any event; a missing `until` never ends a loop.
    const conditions = s.until === null ? [s.condition] : [s.condition, s.until];
    for (const cond of conditions) {
      const local = cond === null ? [] : conjuncts(cond).filter((c) => readsOnlyCandidate(c, s.name, names));
      if (local.length === 0) return null; // it may hold for any event
      // The candidate under its step name is the candidate under the source alias (env.ts), so the
      // conjuncts can read the record's own environment: no environment object per event.
      checks.push(mayHold(local.map((c) => compile(renameBinding(c, s.name, alias)))));
    }
  }
  return (value) => {
    if (!isRow(value[alias])) return false; // no row to judge by: take the full path
    for (const check of checks) if (check(value)) return false;
    return true;
  };
}

// True unless some candidate-only conjunct is not true for the event.
function mayHold(local: readonly ((env: Env) => Value)[]): (value: Env) => boolean {
  return (value) => {
    for (const f of local) if (f(value) !== true) return false;
    return true;
  };
}

/**
 * True when `e` reads no other step's binding, no step aggregate (`$steps`) and no `prev(x)`. Not the checker's
 * bindingsOf: that names a step aggregate by its step, and `count(self)` reads the prefix too.
 */
export function readsOnlyCandidate(e: Expr, self: string, steps: ReadonlySet<string>): boolean {
  switch (e.kind) {
    case "literal":
    case "param":
      return true;
    case "field": {
      const head = e.path[0] as string;
      return head !== "$steps" && head !== PREV_BINDING && (head === self || !steps.has(head));
    }
    case "step-aggregate":
      return false;
    case "unary":
      return readsOnlyCandidate(e.operand, self, steps);
    case "binary":
      return readsOnlyCandidate(e.left, self, steps) && readsOnlyCandidate(e.right, self, steps);
    case "call":
      return e.args.every((a) => readsOnlyCandidate(a, self, steps));
    case "in":
      return (
        readsOnlyCandidate(e.operand, self, steps) && e.list.every((x) => readsOnlyCandidate(x, self, steps))
      );
    case "between":
      return [e.operand, e.low, e.high].every((x) => readsOnlyCandidate(x, self, steps));
    case "is-null":
      return readsOnlyCandidate(e.operand, self, steps);
  }
}

// Operators stage (pattern, compile): turns a rule's PatternStep[] into NFA states with take, ignore
// and proceed edges, as Flink CEP's NFACompiler does (the states themselves: nfa-states.ts); every guard is
// fixed at compile time, the run loop only interprets.
import { type Expr, PREV_BINDING, readsBinding } from "../../plan/expr.ts";
import type { PatternStep, SkipStrategy } from "../../plan/plan.ts";
import { buildStates } from "./nfa-states.ts";
import type { CompiledStep, Layout, NfaState, Predicate, Stop } from "./nfa-types.ts";

export type {
  CompiledStep,
  Edge,
  Env,
  Guard,
  GuardInput,
  Layout,
  NfaState,
  Predicate,
  StateKind,
  Stop,
} from "./nfa-types.ts";

export interface CompiledPattern {
  /** The non-negated steps, in order. */
  readonly steps: readonly CompiledStep[];
  /** Every step name, negated ones included (the environment binds them all). */
  readonly stepNames: readonly string[];
  readonly states: readonly NfaState[];
  readonly start: number;
  readonly withinMs: number | null;
  /** `within D between steps`: a partial match ends this long after its last take; null: no such bound. */
  readonly gapMs: number | null;
  /** `match once`: a key's partial matches start only at its first event that a start edge takes. */
  readonly startOnce: boolean;
  readonly skip: SkipStrategy;
  /** Some condition reads `prev(x)`: the key's previous event is tracked (and persisted). */
  readonly usesPrev: boolean;
  /** Partial matches that `within` ends are reported (`on timeout emit`), not just dropped. */
  readonly timeouts: boolean;
  /** Some step is `longest`: among matches from one start, the one that ends last is preferred. */
  readonly longest: boolean;
}

/** What a pattern does besides matching. */
export interface CompileOptions {
  /** Report timed-out partial matches (PatternOp.onTimeout); needs `within`. */
  readonly timeouts?: boolean;
  /** PatternOp.gapMs: the bound between consecutive takes. */
  readonly gapMs?: number | null;
  /** PatternOp.startOnce. */
  readonly startOnce?: boolean;
}

export { ACCEPT_NOW, endsAfter } from "./nfa-states.ts";

/** Raised for a pattern the NFA cannot run (the checker should have rejected it). */
export class PatternCompileError extends Error {}

/** Compiles `steps` with `predicate` turning each condition into a JS predicate. */
export function compileNfa(
  steps: readonly PatternStep[],
  withinMs: number | null,
  skip: SkipStrategy,
  predicate: (e: Expr) => Predicate,
  options: CompileOptions = {},
): CompiledPattern {
  const gapMs = options.gapMs ?? null;
  const bounded = withinMs !== null || gapMs !== null;
  validate(steps, bounded, skip);
  const timeouts = options.timeouts === true;
  if (timeouts && !bounded) throw new PatternCompileError("'on timeout' needs 'within'");
  const layout = layoutSteps(steps, predicate);
  const states = buildStates(layout);
  if (!bounded && states.some((s) => s.kind === "pending")) {
    throw new PatternCompileError("a match can end with a negation, which needs 'within'");
  }
  return {
    steps: layout.positives,
    stepNames: steps.map((s) => s.name),
    states,
    start: 0,
    withinMs,
    gapMs,
    startOnce: options.startOnce === true,
    skip,
    usesPrev: steps.some((s) =>
      [s.condition, s.until].some((e) => e !== null && readsBinding(e, PREV_BINDING)),
    ),
    timeouts,
    longest: layout.positives.some((s) => s.longest),
  };
}

function validate(steps: readonly PatternStep[], bounded: boolean, skip: SkipStrategy): void {
  const first = steps[0];
  if (first === undefined) throw new PatternCompileError("a pattern needs at least one step");
  if (first.negated) throw new PatternCompileError(`the first step '${first.name}' cannot be negated`);
  const names = new Set<string>();
  for (const s of steps) {
    if (names.has(s.name)) throw new PatternCompileError(`duplicate step name '${s.name}'`);
    names.add(s.name);
    const q = s.quantifier;
    if (s.negated && (q.min !== 1 || q.max !== 1)) {
      throw new PatternCompileError(`negated step '${s.name}' cannot have a quantifier`);
    }
    if (q.min < 0 || (q.max !== null && (q.max < Math.max(1, q.min) || !Number.isInteger(q.max)))) {
      throw new PatternCompileError(`step '${s.name}' has an invalid quantifier`);
    }
  }
  const last = steps[steps.length - 1] as PatternStep;
  if (last.negated && !bounded) {
    throw new PatternCompileError(`trailing negation '${last.name}' needs 'within'`);
  }
  if ((skip.kind === "skip-to-first" || skip.kind === "skip-to-last") && !names.has(skip.step)) {
    throw new PatternCompileError(`skip strategy names unknown step '${skip.step}'`);
  }
}

function layoutSteps(steps: readonly PatternStep[], predicate: (e: Expr) => Predicate): Layout {
  const positives: CompiledStep[] = [];
  const negAfter: Stop[][] = []; // negAfter[i]: negated steps right after positive i
  for (const s of steps) {
    const pred = s.condition === null ? null : predicate(s.condition);
    if (s.negated) {
      negAfter[positives.length - 1]?.push({ name: s.name, pred, strict: s.contiguity === "strict" });
      continue;
    }
    positives.push({
      name: s.name,
      min: s.quantifier.min,
      max: s.quantifier.max ?? Number.POSITIVE_INFINITY,
      greedy: s.quantifier.greedy || s.quantifier.longest,
      longest: s.quantifier.longest,
      contiguity: s.contiguity,
      inner: s.innerContiguity,
      cond: pred,
      until: s.until === null ? null : predicate(s.until),
    });
    negAfter.push([]);
  }
  const k = positives.length;
  const negations: Stop[][][] = [];
  for (let i = 0; i < k; i++) {
    const row: Stop[][] = [];
    for (let j = 0; j <= k; j++) row.push(j > i ? negAfter.slice(i, j).flat() : []);
    negations.push(row);
  }
  return { positives, negations };
}

// Operators stage (pattern, compile): turns a rule's PatternStep[] into NFA states with take, ignore
// and proceed edges, as Flink CEP's NFACompiler does; every guard is fixed here, the run loop only interprets.
import type { Value } from "../../core/value.ts";
import { type Expr, PREV_BINDING, readsBinding } from "../../plan/expr.ts";
import type { Contiguity, PatternStep, SkipStrategy } from "../../plan/plan.ts";

/** The environment a condition sees (see PatternOp in src/plan/plan.ts). */
export type Env = { readonly [binding: string]: Value };
/** A compiled step condition: true when the candidate event (bound in `env`) satisfies it. */
export type Predicate = (env: Env) => boolean;

/** What an edge guard may look at: the computation state and the candidate event. */
export interface GuardInput {
  /** Events taken by the computation state's last step so far. */
  readonly count: number;
  /** True when no event was ignored since the last take (the candidate is the very next event). */
  readonly fresh: boolean;
  /** Evaluates `pred` with the candidate event bound to `stepName` (null = any event). */
  holds(pred: Predicate | null, stepName: string): boolean;
}
export type Guard = (input: GuardInput) => boolean;

/**
 * take: consume the event into a step (`count`: "next" continues a loop, "first" enters a step);
 * ignore: skip the event, staying committed to the target state; proceed: epsilon move, same event.
 */
export interface Edge {
  readonly action: "take" | "ignore" | "proceed";
  readonly to: number;
  readonly guard: Guard;
  readonly count?: "next" | "first";
}

/** A negated step checked in a state: any event satisfying it kills the branch (strict: only the first). */
export interface Stop {
  readonly name: string;
  readonly pred: Predicate | null;
  readonly strict: boolean;
}

/**
 * start: a match may begin here; loop(i): step i just took an event (undecided what comes next);
 * again(i): committed to another iteration of step i; enter(i,j): committed to enter step j after i;
 * pending(i): a complete match waiting for `within` to expire without a trailing negated event.
 */
export type StateKind = "start" | "loop" | "again" | "enter" | "pending";

export interface NfaState {
  readonly id: number;
  readonly kind: StateKind;
  /** The positive step that took last (loop/again/pending), or that is about to be entered (enter). */
  readonly step: number;
  readonly label: string;
  readonly edges: readonly Edge[];
  readonly stops: readonly Stop[];
  /** loop states only: how a state whose count reached the minimum completes (-1: match now; else a pending state). */
  readonly accept: number | null;
}

export interface CompiledStep {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly greedy: boolean;
  readonly contiguity: Contiguity;
  readonly inner: Contiguity;
  readonly cond: Predicate | null;
  readonly until: Predicate | null;
}

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

/** Accept code of a loop state that completes a match immediately. */
export const ACCEPT_NOW = -1;

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

interface Layout {
  readonly positives: readonly CompiledStep[];
  /** negations[i][j]: negated steps between positive step i and positive step j (j = k: the end). */
  readonly negations: readonly (readonly Stop[])[][];
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
      greedy: s.quantifier.greedy,
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

// Steps j > i reachable from step i by skipping only optional steps (i = -1: from the start).
function reachable(steps: readonly CompiledStep[], i: number): number[] {
  const out: number[] = [];
  for (let j = i + 1; j < steps.length; j++) {
    out.push(j);
    if ((steps[j] as CompiledStep).min > 0) break;
  }
  return out;
}

// True when every step after i is optional, so a match may end at step i.
export function endsAfter(steps: readonly CompiledStep[], i: number): boolean {
  return steps.slice(i + 1).every((s) => s.min === 0);
}

// Ignoring an event under a contiguity: strict never, relaxed only if the event would not be taken, any always.
function ignorable(contiguity: Contiguity, s: CompiledStep, g: GuardInput): boolean {
  if (contiguity === "strict") return false;
  return contiguity === "non-deterministic" || !g.holds(s.cond, s.name);
}

// The loop of step s could take the candidate now (count below max, condition, not stopped by until).
function loopTakes(s: CompiledStep, g: GuardInput): boolean {
  return g.count < s.max && g.holds(s.cond, s.name) && !untilHolds(s, g);
}

function untilHolds(s: CompiledStep, g: GuardInput): boolean {
  return s.until !== null && g.holds(s.until, s.name);
}

interface Ids {
  loop: number[];
  again: number[];
  pending: (number | null)[];
  enter: Map<string, number>;
  next: number;
}

function allocate(layout: Layout): Ids {
  const k = layout.positives.length;
  const ids: Ids = { loop: [], again: [], pending: [], enter: new Map(), next: 1 };
  for (let i = 0; i < k; i++) {
    ids.loop.push(ids.next++);
    ids.again.push(layout.positives[i]?.max === 1 ? -1 : ids.next++); // a single event never loops
    const trailing = (layout.negations[i] as Stop[][])[k] as Stop[];
    ids.pending.push(endsAfter(layout.positives, i) && trailing.length > 0 ? ids.next++ : null);
    for (const j of reachable(layout.positives, i)) ids.enter.set(`${i}>${j}`, ids.next++);
  }
  return ids;
}

function buildStates(layout: Layout): NfaState[] {
  const steps = layout.positives;
  const ids = allocate(layout);
  const states: NfaState[] = [];
  const add = (s: NfaState) => {
    states[s.id] = s;
  };
  const startEdges: Edge[] = reachable(steps, -1).map((j) => {
    const s = steps[j] as CompiledStep;
    return {
      action: "take",
      to: ids.loop[j] as number,
      count: "first",
      guard: (g) => g.holds(s.cond, s.name) && !untilHolds(s, g),
    };
  });
  add({ id: 0, kind: "start", step: -1, label: "start", edges: startEdges, stops: [], accept: null });
  for (let i = 0; i < steps.length; i++) {
    add(loopState(layout, ids, i));
    const again = ids.again[i] as number;
    if (again >= 0) add(againState(layout, ids, i));
    const pending = ids.pending[i] as number | null;
    if (pending !== null) add(pendingState(layout, i, pending));
    for (const j of reachable(steps, i)) add(enterState(layout, ids, i, j));
  }
  return states;
}

// loop(i): step i just took an event: loop again, commit to looping (ignore), or proceed to a later step.
function loopState(layout: Layout, ids: Ids, i: number): NfaState {
  const steps = layout.positives;
  const s = steps[i] as CompiledStep;
  const loop = ids.loop[i] as number;
  const again = ids.again[i] as number;
  const proceed: Edge[] = reachable(steps, i).map((j) => ({
    action: "proceed",
    to: ids.enter.get(`${i}>${j}`) as number,
    guard: (g) => g.count >= s.min && !(s.greedy && loopTakes(s, g)),
  }));
  const looping: Edge[] =
    again < 0
      ? []
      : [
          { action: "take", to: loop, count: "next", guard: (g) => loopTakes(s, g) },
          {
            action: "ignore",
            to: again,
            guard: (g) => g.count < s.max && !untilHolds(s, g) && ignorable(s.inner, s, g),
          },
        ];
  const accept = endsAfter(steps, i) ? ((ids.pending[i] as number | null) ?? ACCEPT_NOW) : null;
  return {
    id: loop,
    kind: "loop",
    step: i,
    label: `${s.name}:loop`,
    edges: [...looping, ...proceed],
    stops: [],
    accept,
  };
}

// again(i): committed to another iteration of step i after skipping events.
function againState(layout: Layout, ids: Ids, i: number): NfaState {
  const s = layout.positives[i] as CompiledStep;
  const again = ids.again[i] as number;
  const edges: Edge[] = [
    { action: "take", to: ids.loop[i] as number, count: "next", guard: (g) => loopTakes(s, g) },
    { action: "ignore", to: again, guard: (g) => !untilHolds(s, g) && ignorable(s.inner, s, g) },
  ];
  return { id: again, kind: "again", step: i, label: `${s.name}:again`, edges, stops: [], accept: null };
}

// pending(i): a complete match ending at step i, waiting out `within` under the trailing negations.
function pendingState(layout: Layout, i: number, id: number): NfaState {
  const s = layout.positives[i] as CompiledStep;
  const stops = (layout.negations[i] as Stop[][])[layout.positives.length] as Stop[];
  const edges: Edge[] = [{ action: "ignore", to: id, guard: () => true }];
  return { id, kind: "pending", step: i, label: `${s.name}:pending`, edges, stops, accept: null };
}

function enterState(layout: Layout, ids: Ids, i: number, j: number): NfaState {
  const t = layout.positives[j] as CompiledStep;
  const id = ids.enter.get(`${i}>${j}`) as number;
  const strict = t.contiguity === "strict";
  return {
    id,
    kind: "enter",
    step: j,
    label: `${(layout.positives[i] as CompiledStep).name}>${t.name}`,
    edges: [
      {
        action: "take",
        to: ids.loop[j] as number,
        count: "first",
        guard: (g) => (!strict || g.fresh) && g.holds(t.cond, t.name) && !untilHolds(t, g),
      },
      { action: "ignore", to: id, guard: (g) => ignorable(t.contiguity, t, g) },
    ],
    stops: (layout.negations[i] as Stop[][])[j] as Stop[],
    accept: null,
  };
}

/** A readable dump of the states and edges (for tests and `explain`). */
export function describeNfa(p: CompiledPattern): string {
  const label = (id: number) => (p.states[id] as NfaState).label;
  return p.states
    .map((s) => {
      const parts = [s.edges.map((e) => `${e.action}->${label(e.to)}`).join(", ")];
      if (s.stops.length > 0) parts.push(`stops[${s.stops.map((x) => x.name).join(",")}]`);
      if (s.accept !== null) parts.push(s.accept === ACCEPT_NOW ? "accept" : `accept->${label(s.accept)}`);
      return `${s.label}: ${parts.filter((x) => x !== "").join(" ")}`;
    })
    .join("\n");
}

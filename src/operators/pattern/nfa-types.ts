// Operators stage (pattern): the NFA's shapes, shared by the compiler (compile-nfa.ts) and the state
// builder (nfa-states.ts), so that neither imports the other's types.
import type { Value } from "../../core/value.ts";
import type { Contiguity } from "../../plan/plan.ts";

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
 * ignore: skip the event, staying committed to the target state; proceed: epsilon move, same event;
 * complete: the partial match is a match as it stands (the event is not taken; decide states only).
 */
export interface Edge {
  readonly action: "take" | "ignore" | "proceed" | "complete";
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
 * pending(i): a complete match waiting for `within` to expire without a trailing negated event;
 * decide(i): a match ending in the `longest` loop i, waiting for the next event: if the loop can take
 * it the match is not one (M7L), else it completes (or goes on to pending(i)); no event before the
 * bound ends it also completes it.
 */
export type StateKind = "start" | "loop" | "again" | "enter" | "pending" | "decide";

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
  /** loop states of a `longest` loop that may end a match: the decide state a match below the maximum waits in. */
  readonly decide: number | null;
}

export interface CompiledStep {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  /** `greedy` or `longest`: the loop does not hand over to a later step on an event it could take (M7). */
  readonly greedy: boolean;
  /** `longest`: besides, no match ends in the loop while it could take the next event (M7L). */
  readonly longest: boolean;
  readonly contiguity: Contiguity;
  readonly inner: Contiguity;
  readonly cond: Predicate | null;
  readonly until: Predicate | null;
}

/** The positive steps and the negations between them, as buildStates (nfa-states.ts) reads them. */
export interface Layout {
  readonly positives: readonly CompiledStep[];
  /** negations[i][j]: negated steps between positive step i and positive step j (j = k: the end). */
  readonly negations: readonly (readonly Stop[])[][];
}

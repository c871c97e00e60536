// DSL front end, AST: the pattern (CEP) block of a rule:
// `match [once] s1: c1 -> s2{3,}: c2 until c3 not followed by s3: c4 within 10m [within 1m between steps] skip past last`.
import type { Span } from "../span.ts";
import type { Ident } from "./common.ts";
import type { EmitClause } from "./emit.ts";
import type { DurationLit, Expr, StringLit } from "./expr.ts";

/**
 * Contiguity to the previous step (or between a loop's iterations):
 * `strict` = `next` (the very next event), `relaxed` = `->` / `followed by` (skip non-matching events),
 * `non-deterministic` = `->>` / `followed by any` (also skip matching events: every combination).
 */
export type Contiguity = "strict" | "relaxed" | "non-deterministic";

export interface MatchClause {
  readonly kind: "MatchClause";
  /** At least one step when parsing succeeded; `steps[0].connector` is null. */
  readonly steps: readonly PatternStep[];
  readonly within: DurationLit | null;
  /** Null: the default (`skip past last`). */
  readonly skip: SkipClause | null;
  readonly named: StringLit | null;
  /** `on timeout emit to "t" { ... }`: where partial matches that `within` ends go; null: dropped. */
  readonly onTimeout: EmitClause | null;
  /** `within D between steps`: the bound between consecutive taken events (Flink's PREVIOUS_AND_CURRENT); null: none. */
  readonly gap: DurationLit | null;
  /** `match once ...`: only the key's first event that the first step takes starts a match (Esper without `every`). */
  readonly once: boolean;
  readonly span: Span;
}

/**
 * One step: `[CONNECTOR] [not] NAME [QUANTIFIER] [greedy|longest] [consecutive|combinations]: COND [until COND]`.
 * Negated steps are written `not next NAME: COND` or `not followed by NAME: COND`.
 */
export interface PatternStep {
  readonly kind: "PatternStep";
  /** How this step follows the previous one; null for the first step. */
  readonly connector: Contiguity | null;
  readonly negated: boolean;
  readonly name: Ident;
  /** Null: exactly once. */
  readonly quantifier: Quantifier | null;
  /** Null: `any` (every event matches). */
  readonly condition: Expr | null;
  readonly until: Expr | null;
  readonly span: Span;
}

/**
 * `{n}`, `{n,m}`, `{n,}`, `+` ({1,}), `*` ({0,}), `?` ({0,1}), then optional modifiers:
 * `greedy` (take as many as possible; default off, as in Flink), `longest` (greedy as Flink and
 * MATCH_RECOGNIZE define it: also no match ends in the loop while it could go on, and the longest
 * match from a start is preferred) and the loop's inner contiguity,
 * `consecutive` (strict) or `combinations` (non-deterministic); default relaxed.
 */
export interface Quantifier {
  readonly kind: "Quantifier";
  /** How it was written, for `fmt`: `{n}` | `{n,m}` | `{n,}` | `+` | `*` | `?`. */
  readonly form: "exact" | "range" | "at-least" | "plus" | "star" | "optional";
  readonly min: number;
  /** Null: unbounded. */
  readonly max: number | null;
  readonly greedy: boolean;
  readonly inner: Contiguity;
  readonly longest: boolean;
  readonly span: Span;
}

/** `skip past last` (default) | `skip to next` | `no skip` | `skip to first STEP [or fail]` | `skip to last STEP [or fail]`. */
export interface SkipClause {
  readonly kind: "SkipClause";
  readonly strategy: "no-skip" | "skip-to-next" | "skip-past-last" | "skip-to-first" | "skip-to-last";
  /** The step for `skip to first/last`; null otherwise. */
  readonly step: Ident | null;
  /** `skip to first/last STEP or fail`: a match without a usable target is an error, not a fallback. */
  readonly orFail: boolean;
  readonly span: Span;
}

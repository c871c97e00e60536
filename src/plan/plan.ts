// Plan stage: the logical plan, the contract between the compiler and the runtime. The compiler
// produces a ProgramPlan from checked rules; the topology and the runtime consume it. Each rule is
// a linear pipeline: source -> ops -> sink. Names (operators, stores, internal topics) are
// deterministic from the rule and operator names, so an edit that keeps a name keeps its state.
import type { RecordSchema } from "../core/schema.ts";
import type { Value } from "../core/value.ts";
import type { Expr } from "./expr.ts";

export interface ProgramPlan {
  readonly streams: readonly StreamDecl[];
  readonly tables: readonly TableDecl[];
  /** Parameter defaults; a deployment may override them by name. */
  readonly params: readonly ParamDecl[];
  readonly rules: readonly RulePlan[];
}

export interface ParamDecl {
  readonly name: string;
  readonly defaultValue: Value;
}

export interface StreamDecl {
  readonly name: string;
  readonly topic: string;
  /** Field that keys the topic's records (and decides their partition); null when unkeyed. */
  readonly keyField: string | null;
  readonly format: "json";
  readonly schema: RecordSchema;
  /** Event-time field; null means the record's log timestamp (append time). */
  readonly timeField: string | null;
  /** Allowed lateness (out-of-orderness) in ms: watermark = max event time seen - lateness. */
  readonly latenessMs: number;
  /** `idle after`: wall-clock quiet time (ms) before a worker decides a partition is idle; absent: the worker's default. */
  readonly idleAfterMs?: number;
}

export interface TableDecl {
  readonly name: string;
  readonly topic: string;
  readonly keyField: string;
  readonly format: "json";
  readonly schema: RecordSchema;
  readonly timeField: string | null;
}

/** A stream read by a rule, with the alias its fields are bound to in the record environment. */
export interface SourceRef {
  readonly stream: string;
  readonly alias: string;
}

export interface RulePlan {
  readonly name: string;
  readonly source: SourceRef;
  readonly ops: readonly PlanOp[];
  readonly sink: SinkSpec;
}

export interface StoreSpec {
  /** Deterministic, overridable: `<rule>.<operator>`; the changelog topic derives from it. */
  readonly name: string;
  readonly kind: "key-value" | "window" | "join-buffer" | "pattern-buffer";
}

export type PlanOp = FilterOp | RekeyOp | WindowAggregateOp | StreamJoinOp | TableJoinOp | PatternOp;
export type PlanOpKind = PlanOp["kind"];

export interface FilterOp {
  readonly kind: "filter";
  readonly name: string;
  readonly predicate: Expr;
}

/** `partition by`: the new key is the listed expressions' values joined; a repartition follows. */
export interface RekeyOp {
  readonly kind: "rekey";
  readonly name: string;
  readonly keys: readonly Expr[];
  /** Internal topic suffix, e.g. `velocity.rekey-repartition`. */
  readonly repartitionTopic: string;
}

export type WindowSpec =
  | { readonly kind: "tumbling"; readonly sizeMs: number }
  | { readonly kind: "hopping"; readonly sizeMs: number; readonly advanceMs: number }
  /** One window per record: (t - size, t], ending at the record's time (like an OVER window). */
  | { readonly kind: "sliding"; readonly sizeMs: number }
  | { readonly kind: "session"; readonly gapMs: number };

export type AggregateFn =
  | "count"
  | "sum"
  | "avg"
  | "min"
  | "max"
  | "count_distinct"
  | "first"
  | "last"
  | "stddev";

export interface AggregateSpec {
  /** Output field name (`as n`). */
  readonly name: string;
  readonly fn: AggregateFn;
  /** Null for `count()`. */
  readonly arg: Expr | null;
}

/**
 * Windowed aggregation per key. Its output environment binds `$` to a flat row:
 * the `groupBy` names (values of the partition-by expressions), the aggregate names, `key`,
 * `window_start`, `window_end` (epoch ms, end exclusive except for sliding windows, whose end is the
 * triggering record's time, inclusive).
 */
export interface WindowAggregateOp {
  readonly kind: "window-aggregate";
  readonly name: string;
  /** The partition-by values to carry into the output row (evaluated on the window's first record). */
  readonly groupBy: readonly Projection[];
  readonly window: WindowSpec;
  readonly graceMs: number;
  readonly aggregates: readonly AggregateSpec[];
  readonly having: Expr | null;
  readonly emit: "final" | "changes";
  readonly store: StoreSpec;
}

/** Stream-stream join on equal keys with |t_left - t_right| <= withinMs; both sides buffered until the watermark passes. */
export interface StreamJoinOp {
  readonly kind: "stream-join";
  readonly name: string;
  readonly right: SourceRef;
  /** Expressions that key the right side (co-partitioning); the left side is already keyed. */
  readonly rightKeys: readonly Expr[];
  readonly withinMs: number;
  readonly graceMs: number;
  readonly condition: Expr | null;
  readonly joinType: "inner" | "left";
  readonly store: StoreSpec;
}

/** Stream-table join: the table's latest value for the stream record's key, bound to `alias` (null for a left join miss). */
export interface TableJoinOp {
  readonly kind: "table-join";
  readonly name: string;
  readonly table: string;
  readonly alias: string;
  readonly joinType: "inner" | "left";
  readonly store: StoreSpec;
}

export type Contiguity = "strict" | "relaxed" | "non-deterministic";

export interface Quantifier {
  readonly min: number;
  /** Null: unbounded (`+`, `*`, `{n,}`). */
  readonly max: number | null;
  readonly greedy: boolean;
  /**
   * `longest` (greedy as Flink CEP and MATCH_RECOGNIZE define it; implies `greedy`): the loop is not
   * left, nor does a match end in it, while it can take the key's next event; and a pattern with such a
   * loop prefers, among matches from one start, the one that ends last. docs/patterns.md, M7 and M7L.
   */
  readonly longest: boolean;
}

export interface PatternStep {
  readonly name: string;
  /** Null: any event. Inside its own condition, the step name refers to the candidate event. */
  readonly condition: Expr | null;
  readonly quantifier: Quantifier;
  /** How this step relates to the previous one (ignored for the first step). */
  readonly contiguity: Contiguity;
  /** Between iterations of a looping step. */
  readonly innerContiguity: Contiguity;
  /** Loop ends (exclusive) at the first event satisfying this. */
  readonly until: Expr | null;
  /** `not next` (strict) / `not followed by` (relaxed): no event matching `condition` may occur here. */
  readonly negated: boolean;
}

export type SkipStrategy =
  | { readonly kind: "no-skip" }
  | { readonly kind: "skip-to-next" }
  | { readonly kind: "skip-past-last" }
  | { readonly kind: "skip-to-first"; readonly step: string; readonly orFail: boolean }
  | { readonly kind: "skip-to-last"; readonly step: string; readonly orFail: boolean };
// `orFail` (`skip to first X or fail`, MATCH_RECOGNIZE's run-time error, Flink's throwExceptionOnMiss):
// a match whose target X took no event, or whose X event is the match's own first event, is not emitted
// but written to the dead letters (operator-error), and the next match starts after its last event.
// False: such a match is emitted and the next one starts after its first event (as skip to next).

/**
 * Pattern match per key in event-time order.
 *
 * Condition environment (step X, candidate event e): every step name Y binds the LAST event taken
 * for Y so far (null if none), X binds e itself, `$steps` binds { [Y]: rows taken so far } (for X,
 * excluding e), and the source alias binds e. Step aggregates (`count(small)`) read `$steps`.
 * This follows MATCH_RECOGNIZE's running semantics: a plain reference to a looping step is its last row.
 *
 * Output environment: each step name binds its last taken event (null if none), `$steps` binds all
 * taken events per step, the source alias binds the match's last event, `$match` = { start, end }.
 */
export interface PatternOp {
  readonly kind: "pattern";
  readonly name: string;
  readonly steps: readonly PatternStep[];
  readonly withinMs: number | null;
  /**
   * `within D between steps` (Flink's WithinType.PREVIOUS_AND_CURRENT): consecutive taken events of a
   * match are less than this apart, and a partial match ends this long after its last take. Null: none.
   */
  readonly gapMs: number | null;
  /**
   * `match once` (Esper's pattern without `every`): per key, only the first event that starts a partial
   * match starts one; the key's "started" flag lives in the store. False: every event may start one.
   */
  readonly startOnce: boolean;
  readonly skip: SkipStrategy;
  readonly store: StoreSpec;
  /**
   * `on timeout emit ...`: a second sink for the partial matches `within` ends before they complete
   * (Flink's TimedOutPartialMatchHandler). Its records carry the output environment of the takes so
   * far (steps not reached are null), timestamped at first event + within. Null: they are dropped.
   */
  readonly onTimeout: SinkSpec | null;
}

export interface Projection {
  readonly name: string;
  readonly expr: Expr;
}

export interface SinkSpec {
  readonly name: string;
  readonly topic: string;
  readonly projection: readonly Projection[];
  readonly outputSchema: RecordSchema;
}

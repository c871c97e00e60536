// DSL checker: what a name means at one point of a rule. Mirrors the record environment the runtime
// builds (src/plan/expr.ts): bindings (source alias, join aliases, pattern steps, `$`), the rows whose
// fields bare names resolve to, params, and the pattern step being checked.
import type { FieldType, RecordSchema } from "../../core/schema.ts";
import type { Value } from "../../core/value.ts";

/** A binding of the record environment whose value is a row (or an array of rows for `$steps`). */
export interface RowBinding {
  readonly name: string;
  readonly schema: RecordSchema;
  /** For messages: "stream `payments`", "step `small`", "the window aggregate". */
  readonly what: string;
  /** True when the whole row may be null (a left join's miss, an optional pattern step). */
  readonly nullable?: boolean;
}

export interface ParamInfo {
  readonly name: string;
  readonly value: Value;
  readonly type: FieldType;
}

export interface StepInfo {
  readonly name: string;
  readonly looping: boolean;
  /** A negated step takes no event, so nothing may refer to it. */
  readonly negated: boolean;
}

/** Inside or after a `match` block. */
export interface PatternScope {
  readonly steps: readonly StepInfo[];
  /** Index of the step whose condition is checked; steps.length after the match. */
  readonly current: number;
  /** The rule's source alias (the candidate event's binding besides the step name). */
  readonly alias: string;
}

export interface Scope {
  readonly rows: ReadonlyMap<string, RowBinding>;
  /** Bindings searched, in order, for a bare field name. */
  readonly bare: readonly string[];
  readonly params: ReadonlyMap<string, ParamInfo>;
  readonly pattern: PatternScope | null;
  /** Set after a window aggregate: names of bindings no longer available, for a precise message. */
  readonly hidden: ReadonlyMap<string, string>;
  /** Where the expression sits, for messages: "`where`", "the output". */
  readonly clause: string;
}

/** A scope with `clause` replaced. */
export function inClause(scope: Scope, clause: string): Scope {
  return { ...scope, clause };
}

/** Every name a bare reference could mean here (for "did you mean"). */
export function visibleNames(scope: Scope): string[] {
  const names = new Set<string>();
  for (const b of scope.bare) for (const f of scope.rows.get(b)?.schema.fields ?? []) names.add(f.name);
  for (const r of scope.rows.keys()) if (!r.startsWith("$")) names.add(r);
  for (const p of scope.params.keys()) names.add(p);
  return [...names];
}

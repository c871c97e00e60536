// Operators stage (pattern): the environments of PatternOp (src/plan/plan.ts): what a step condition
// sees for a candidate event, and what a match hands downstream. Pure functions of the takes.
import type { Row, Value } from "../../core/value.ts";
import { isRow } from "../../core/value.ts";
import type { Env } from "./compile-nfa.ts";
import type { PatternEvent, Take } from "./shared-buffer.ts";

/** The row of an event: its binding under the source alias (an empty row if the record lacks it). */
export function rowOf(event: PatternEvent, alias: string): Row {
  const r = event.value[alias];
  return isRow(r) ? r : {};
}

/** Per-step bindings of a partial match: each step's last row (null if none) and `$steps`. */
export interface StepBindings {
  readonly last: { readonly [step: string]: Value };
  readonly steps: { readonly [step: string]: readonly Row[] };
}

/** Bindings of the takes so far; `positiveNames[i]` names positive step i. */
export function stepBindings(
  stepNames: readonly string[],
  positiveNames: readonly string[],
  takes: readonly Take[],
  alias: string,
): StepBindings {
  const last: { [step: string]: Value } = {};
  const steps: { [step: string]: Row[] } = {};
  for (const name of stepNames) {
    last[name] = null;
    steps[name] = [];
  }
  for (const t of takes) {
    const name = positiveNames[t.step] as string;
    const row = rowOf(t.event, alias);
    last[name] = row;
    (steps[name] as Row[]).push(row);
  }
  return { last, steps };
}

/**
 * A condition's environment: the candidate's own bindings, every step's last row, `$steps`
 * (without the candidate), `$prev` (the key's previous event's row, for `prev(x)`; null at its
 * first event), and the candidate's row under `stepName` and under the source alias.
 */
export function conditionEnv(
  b: StepBindings,
  candidate: PatternEvent,
  stepName: string,
  alias: string,
  prev: Row | null,
): Env {
  const row = rowOf(candidate, alias);
  return { ...candidate.value, ...b.last, $steps: b.steps, $prev: prev, [alias]: row, [stepName]: row };
}

/**
 * A match's output environment: the last event's bindings (e.g. a joined table's alias), the source
 * alias bound to the last event, each step's last row (or null), `$steps`, and `$match`.
 */
export function outputEnv(
  stepNames: readonly string[],
  positiveNames: readonly string[],
  takes: readonly Take[],
  alias: string,
): Row {
  const first = takes[0] as Take;
  const lastTake = takes[takes.length - 1] as Take;
  const b = stepBindings(stepNames, positiveNames, takes, alias);
  return {
    ...lastTake.event.value,
    [alias]: rowOf(lastTake.event, alias),
    ...b.last,
    $steps: b.steps,
    $match: { start: first.event.ts, end: lastTake.event.ts },
  };
}

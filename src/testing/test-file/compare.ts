// Testing kit, test files: compares a test's expected outputs and dead letters with what the rules
// produced. An expected output matches an actual one on its topic whose fields include the expected
// fields (other fields are not checked); every actual output and dead letter must be expected.
import { isDeepStrictEqual } from "node:util";
import type { DeadLetter, OutputRecord } from "../../core/record.ts";
import type { Row, Value } from "../../core/value.ts";
import type { ExpectedDeadLetter, ExpectedOutput, TestCase } from "./parse.ts";

/** One field of an expected output that differs from the closest actual output. */
export interface FieldDiff {
  readonly field: string;
  readonly expected: Value;
  /** Undefined when the actual output has no such field. */
  readonly actual: Value | undefined;
}

export type Mismatch =
  /** An expected output with no match; `closest` is the unmatched actual on its topic sharing the most fields. */
  | {
      readonly kind: "missing";
      readonly expected: ExpectedOutput;
      readonly closest: OutputRecord | null;
      readonly diffs: readonly FieldDiff[];
    }
  | { readonly kind: "unexpected"; readonly actual: OutputRecord }
  | { readonly kind: "missing-dead-letter"; readonly expected: ExpectedDeadLetter }
  | { readonly kind: "unexpected-dead-letter"; readonly actual: DeadLetter };

/** Every difference between what `test` expects and what was produced, in the test's line order. */
export function compareResults(
  test: TestCase,
  outputs: readonly OutputRecord[],
  deadLetters: readonly DeadLetter[],
): Mismatch[] {
  return [...compareOutputs(test.outputs, outputs), ...compareDeadLetters(test.deadLetters, deadLetters)];
}

function compareOutputs(expected: readonly ExpectedOutput[], outputs: readonly OutputRecord[]): Mismatch[] {
  const unmatched = new Set(outputs);
  const missing: ExpectedOutput[] = [];
  for (const e of expected) {
    if (e.fields === null) continue;
    const fields = e.fields;
    const hit = [...unmatched].find((o) => o.topic === e.topic && includesFields(o.value, fields));
    if (hit) unmatched.delete(hit);
    else missing.push(e);
  }
  const out: Mismatch[] = [];
  for (const e of missing) {
    const closest = closestOutput(e, unmatched);
    if (closest) unmatched.delete(closest);
    out.push({
      kind: "missing",
      expected: e,
      closest,
      diffs: closest ? fieldDiffs(e.fields!, closest.value) : [],
    });
  }
  for (const actual of unmatched) out.push({ kind: "unexpected", actual });
  return out;
}

function compareDeadLetters(
  expected: readonly ExpectedDeadLetter[],
  actual: readonly DeadLetter[],
): Mismatch[] {
  const unmatched = new Set(actual);
  const out: Mismatch[] = [];
  for (const e of expected) {
    const hit = [...unmatched].find((d) => d.reason === e.reason && (e.rule === null || d.rule === e.rule));
    if (hit) unmatched.delete(hit);
    else out.push({ kind: "missing-dead-letter", expected: e });
  }
  for (const d of unmatched) out.push({ kind: "unexpected-dead-letter", actual: d });
  return out;
}

/** True when every expected field is in `row` with an equal value (numbers by value: 2 equals 2.0). */
export function includesFields(row: Row, expected: Row): boolean {
  return Object.entries(expected).every(([k, v]) => k in row && isDeepStrictEqual(row[k], v));
}

function fieldDiffs(expected: Row, actual: Row): FieldDiff[] {
  return Object.entries(expected)
    .filter(([k, v]) => !(k in actual && isDeepStrictEqual(actual[k], v)))
    .map(([field, v]) => ({ field, expected: v, actual: actual[field] }));
}

function closestOutput(e: ExpectedOutput, candidates: ReadonlySet<OutputRecord>): OutputRecord | null {
  let best: OutputRecord | null = null;
  let bestScore = -1;
  for (const o of candidates) {
    if (o.topic !== e.topic) continue;
    const score = Object.keys(e.fields!).length - fieldDiffs(e.fields!, o.value).length;
    if (score > bestScore) {
      best = o;
      bestScore = score;
    }
  }
  return best;
}

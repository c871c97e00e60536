// NFA compiler: the states and edges a pattern compiles to (one dump per construct), and the patterns
// it refuses (the checker should reject them first; the runtime refuses them too).
import assert from "node:assert/strict";
import { test } from "node:test";
import { compileNfa, PatternCompileError } from "../../../src/operators/pattern/compile-nfa.ts";
import { describeNfa } from "../../../src/operators/pattern/describe-nfa.ts";
import type { Contiguity, PatternStep, SkipStrategy } from "../../../src/plan/plan.ts";

interface O {
  min?: number;
  max?: number | null;
  c?: Contiguity;
  neg?: boolean;
  longest?: boolean;
}
const step = (name: string, o: O = {}): PatternStep => ({
  name,
  condition: null,
  quantifier: {
    min: o.min ?? 1,
    max: o.max === undefined ? 1 : o.max,
    greedy: o.longest ?? false,
    longest: o.longest ?? false,
  },
  contiguity: o.c ?? "relaxed",
  innerContiguity: "relaxed",
  until: null,
  negated: o.neg ?? false,
});
const PAST: SkipStrategy = { kind: "skip-past-last" };
const dump = (steps: PatternStep[], within: number | null = 1000, skip = PAST) =>
  describeNfa(compileNfa(steps, within, skip, () => () => true)).split("\n");

test("a -> b: single steps have no loop edges; only the last accepts", () => {
  assert.deepEqual(dump([step("a"), step("b")]), [
    "start: take->a:loop",
    "a:loop: proceed->a>b",
    "a>b: take->b:loop, ignore->a>b",
    "b:loop: accept",
  ]);
});

test("a{2,} -> b?: loop with take/ignore, optional last step lets the loop accept", () => {
  assert.deepEqual(dump([step("a", { min: 2, max: null }), step("b", { min: 0 })]), [
    "start: take->a:loop",
    "a:loop: take->a:loop, ignore->a:again, proceed->a>b accept",
    "a:again: take->a:loop, ignore->a:again",
    "a>b: take->b:loop, ignore->a>b",
    "b:loop: accept",
  ]);
});

test("a longest loop that may end a match waits in a decide state below its maximum", () => {
  assert.deepEqual(dump([step("a"), step("b", { max: 3, longest: true }), step("n", { neg: true })]), [
    "start: take->a:loop",
    "a:loop: proceed->a>b",
    "a>b: take->b:loop, ignore->a>b",
    "b:loop: take->b:loop, ignore->b:again accept->b:pending below max->b:decide",
    "b:again: take->b:loop, ignore->b:again",
    "b:pending: ignore->b:pending stops[n]",
    "b:decide: ignore->b:pending stops[n]",
  ]);
  assert.deepEqual(dump([step("b", { max: null, longest: true })]).slice(-1), ["b:decide: complete"]);
});

test("optional first step: a match may start at either step", () => {
  assert.deepEqual(dump([step("a", { min: 0 }), step("b")])[0], "start: take->a:loop, take->b:loop");
});

test("negations become stop conditions of the states they guard; a trailing one a pending state", () => {
  assert.deepEqual(
    dump([step("a"), step("x", { neg: true, c: "strict" }), step("b"), step("n", { neg: true })]),
    [
      "start: take->a:loop",
      "a:loop: proceed->a>b",
      "a>b: take->b:loop, ignore->a>b stops[x]",
      "b:loop: accept->b:pending",
      "b:pending: ignore->b:pending stops[n]",
    ],
  );
});

test("refuses patterns the NFA cannot run", () => {
  const bad: [PatternStep[], number | null, SkipStrategy][] = [
    [[], 10, PAST],
    [[step("n", { neg: true }), step("a")], 10, PAST],
    [[step("a"), step("a")], 10, PAST],
    [
      [
        step("a"),
        { ...step("n", { neg: true }), quantifier: { min: 1, max: null, greedy: false, longest: false } },
      ],
      10,
      PAST,
    ],
    [[step("a"), step("n", { neg: true })], null, PAST],
    [[step("a"), step("n", { neg: true }), step("b", { min: 0 })], null, PAST],
    [[step("a")], 10, { kind: "skip-to-first", step: "zzz", orFail: false }],
  ];
  for (const [steps, within, skip] of bad) {
    assert.throws(() => compileNfa(steps, within, skip, () => () => true), PatternCompileError);
  }
});

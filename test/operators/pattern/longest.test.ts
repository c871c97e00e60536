// `longest` (greedy as Flink CEP and MATCH_RECOGNIZE define it, docs/patterns.md M7L) beside the
// default (reluctant) and `greedy` (M7 only), on small hand-checked streams; the property in
// reference.test.ts compares it with the brute-force matcher on random ones.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Row } from "../../../src/core/value.ts";
import type { Env } from "../../../src/operators/pattern/compile-nfa.ts";
import { createPatternOperator } from "../../../src/operators/pattern/pattern-operator.ts";
import type { SkipStrategy } from "../../../src/plan/plan.ts";
import { readMatch, runPattern, type StepOpts, st, type TestEvent, type TestPattern, toOp } from "./build.ts";
import { event, fakeTask, Predicates } from "./fake-context.ts";

const v = (n: number) => (env: Env) => (env["ev"] as Row)["v"] === n;
const evs = (...vals: number[]): TestEvent[] =>
  vals.map((x, i) => ({ key: "k", ts: i * 10, row: { id: i, v: x } }));
const PAST_LAST: SkipStrategy = { kind: "skip-past-last" };

function matches(loop: StepOpts, events: TestEvent[], skip: SkipStrategy = PAST_LAST, next = true) {
  const steps = [st("a", v(1)), st("b", v(2), { min: 1, max: null, ...loop })];
  const p: TestPattern = { steps: next ? [...steps, st("c", v(3))] : steps, withinMs: 1000, skip };
  const r = runPattern(p, events, 0);
  assert.equal(r.storeSize, 0, "state left after end of input");
  return r.out.map((o) => readMatch(o).steps);
}

test("a match ending in the loop: default and greedy end at the first b, longest takes the whole run", () => {
  const run = evs(1, 2, 2, 2, 0);
  assert.deepEqual(matches({ inner: "strict" }, run, PAST_LAST, false), [{ a: [0], b: [1] }]);
  assert.deepEqual(matches({ inner: "strict", greedy: true }, run, PAST_LAST, false), [{ a: [0], b: [1] }]);
  assert.deepEqual(matches({ inner: "strict", longest: true }, run, PAST_LAST, false), [
    { a: [0], b: [1, 2, 3] },
  ]);
  // With no skip: default and greedy emit every prefix of the run, longest only the run.
  const all = { kind: "no-skip" } as const;
  assert.equal(matches({ inner: "strict", greedy: true }, run, all, false).length, 3);
  assert.deepEqual(matches({ inner: "strict", longest: true }, run, all, false), [{ a: [0], b: [1, 2, 3] }]);
});

test("a loop before another step: greedy and longest both hand over only on an event the loop cannot take", () => {
  // a b b c: greedy and longest may not hand over to c after the first b (the next event is a b).
  const run = evs(1, 2, 2, 3);
  assert.deepEqual(matches({ longest: true }, run, { kind: "no-skip" }), [{ a: [0], b: [1, 2], c: [3] }]);
  assert.equal(matches({}, run, { kind: "no-skip" }).length, 2, "reluctant: (a, b1, c) too");
  assert.deepEqual(matches({ longest: true }, run), [{ a: [0], b: [1, 2], c: [3] }]);
  assert.deepEqual(matches({ greedy: true }, run), [{ a: [0], b: [1, 2], c: [3] }]);
});

test("relaxed loop: among matches from one start the longest is preferred (default: the first to end)", () => {
  // a b x b y: (a, b1) and (a, b1 b3) are both matches (the event after each last b is no b).
  const run = evs(1, 2, 0, 2, 0);
  assert.deepEqual(matches({}, run, PAST_LAST, false), [{ a: [0], b: [1] }]);
  assert.deepEqual(matches({ longest: true }, run, PAST_LAST, false), [{ a: [0], b: [1, 3] }]);
  assert.deepEqual(matches({ longest: true }, run, { kind: "no-skip" }, false), [
    { a: [0], b: [1] },
    { a: [0], b: [1, 3] },
  ]);
});

test("a longest match is emitted when the next event shows the loop cannot go on, or when within ends", () => {
  const preds = new Predicates();
  const task = fakeTask();
  const p: TestPattern = {
    steps: [st("a", v(1)), st("b", v(2), { min: 1, max: null, inner: "strict", longest: true })],
    withinMs: 100,
    skip: PAST_LAST,
  };
  task.attach(createPatternOperator(toOp(p, preds), task.ctx, "ev", preds.compile));
  const feed = (ts: number, val: number, id: number) => {
    task.process(event("k", ts, { id, v: val }, id));
    task.advance(ts);
  };
  feed(0, 1, 0);
  feed(10, 2, 1);
  feed(20, 2, 2);
  assert.equal(task.out.length, 0, "the loop could still take the next event");
  feed(30, 0, 3);
  assert.deepEqual(
    task.out.map((o) => readMatch(o).steps),
    [{ a: [0], b: [1, 2] }],
  );
  feed(200, 1, 4);
  feed(210, 2, 5);
  task.advance(299);
  assert.equal(task.out.length, 1, "within (100 from the a at 200) has not ended yet");
  task.advance(300);
  assert.deepEqual(readMatch(task.out[1] as (typeof task.out)[number]).steps, { a: [4], b: [5] });
  assert.equal(task.out[1]?.timestamp, 210, "a match is timestamped at its last event, as always");
});

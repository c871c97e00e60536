// Pattern operator examples: small hand-checked cases for each construct (the property tests in
// reference.test.ts compare against the brute-force matcher on random inputs).
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Row } from "../../../src/core/value.ts";
import type { Env } from "../../../src/operators/pattern/compile-nfa.ts";
import { createPatternOperator } from "../../../src/operators/pattern/pattern-operator.ts";
import { readMatch, runPattern, st, type TestEvent, type TestPattern, toOp } from "./build.ts";
import { event, fakeTask, Predicates } from "./fake-context.ts";

const v = (n: number) => (env: Env) => (env["ev"] as Row)["v"] === n;
const evs = (...vals: number[]): TestEvent[] =>
  vals.map((x, i) => ({ key: "k", ts: i * 10, row: { id: i, v: x } }));
const PAST_LAST = { kind: "skip-past-last" } as const;
const NO_SKIP = { kind: "no-skip" } as const;

function matches(p: TestPattern, events: TestEvent[]) {
  const r = runPattern(p, events, 0);
  assert.equal(r.storeSize, 0, "state left after end of input");
  return r.out.map((o) => readMatch(o).steps);
}

test("relaxed a -> b, skip past last: one match per incident", () => {
  const p: TestPattern = { steps: [st("a", v(1)), st("b", v(2))], withinMs: null, skip: PAST_LAST };
  assert.deepEqual(matches(p, evs(1, 1, 0, 2, 1, 2)), [
    { a: [0], b: [3] },
    { a: [4], b: [5] },
  ]);
});

test("strict next: only adjacent events", () => {
  const p: TestPattern = {
    steps: [st("a", v(1)), st("b", v(2), { contiguity: "strict" })],
    withinMs: null,
    skip: NO_SKIP,
  };
  assert.deepEqual(matches(p, evs(1, 0, 2, 1, 2)), [{ a: [3], b: [4] }]);
});

test("non-deterministic relaxed: every b after a", () => {
  const p: TestPattern = {
    steps: [st("a", v(1)), st("b", v(2), { contiguity: "non-deterministic" })],
    withinMs: null,
    skip: NO_SKIP,
  };
  assert.deepEqual(matches(p, evs(1, 2, 2)), [
    { a: [0], b: [1] },
    { a: [0], b: [2] },
  ]);
});

test("a+ then b, no skip, relaxed loop: every subsequence the definition allows", () => {
  const p: TestPattern = {
    steps: [st("a", v(1), { min: 1, max: null }), st("b", v(2))],
    withinMs: null,
    skip: NO_SKIP,
  };
  const got = matches(p, evs(1, 1, 2));
  assert.deepEqual(
    got.map((m) => JSON.stringify(m)).sort(),
    [
      { a: [0, 1], b: [2] },
      { a: [0], b: [2] },
      { a: [1], b: [2] },
    ]
      .map((m) => JSON.stringify(m))
      .sort(),
  );
});

test("trailing negation completes when within expires", () => {
  const p: TestPattern = {
    steps: [st("a", v(1)), st("n", v(2), { negated: true })],
    withinMs: 25,
    skip: PAST_LAST,
  };
  // a@0 is followed by 2@20 (inside 25ms): no match; a@30 has only 0@40 and 2@60 (outside): match.
  assert.deepEqual(matches(p, evs(1, 0, 2, 1, 0, 0, 2)), [{ a: [3], n: [] }]);
});

test("within prunes from the first event", () => {
  const p: TestPattern = { steps: [st("a", v(1)), st("b", v(2))], withinMs: 20, skip: NO_SKIP };
  assert.deepEqual(matches(p, evs(1, 0, 2, 1, 2)), [{ a: [3], b: [4] }]);
});

test("events out of order within the lateness are matched in event-time order", () => {
  const p: TestPattern = {
    steps: [st("a", v(1)), st("b", v(2), { contiguity: "strict" })],
    withinMs: null,
    skip: NO_SKIP,
  };
  const arrivals: TestEvent[] = [
    { key: "k", ts: 20, row: { id: 2, v: 2 } },
    { key: "k", ts: 10, row: { id: 1, v: 1 } },
    { key: "k", ts: 30, row: { id: 3, v: 0 } },
  ];
  const r = runPattern(p, arrivals, 15);
  assert.deepEqual(
    r.out.map((o) => readMatch(o)),
    [{ key: "k", ts: 20, steps: { a: [1], b: [2] } }],
  );
  assert.deepEqual(r.out[0]?.evidence, {
    kind: "events",
    events: [
      { topic: "in", partition: 0, offset: 1 },
      { topic: "in", partition: 0, offset: 0 },
    ],
  });
});

test("skip past last holds a completed match while an earlier-starting partial match may still win", () => {
  // a(v=1) b(v=2) where b.w must equal a.w: a0(w=0) a1(w=1) b2(w=1) b3(w=0)
  const same = (env: Env) => (env["ev"] as Row)["w"] === (env["a"] as Row)["w"];
  const p: TestPattern = {
    steps: [st("a", v(1)), st("b", (env) => v(2)(env) && same(env), { contiguity: "non-deterministic" })],
    withinMs: null,
    skip: PAST_LAST,
  };
  const events: TestEvent[] = [
    { key: "k", ts: 0, row: { id: 0, v: 1, w: 0 } },
    { key: "k", ts: 10, row: { id: 1, v: 1, w: 1 } },
    { key: "k", ts: 20, row: { id: 2, v: 2, w: 1 } },
    { key: "k", ts: 30, row: { id: 3, v: 2, w: 0 } },
  ];
  // (a1, b2) completes first, but (a0, b3) starts earlier and wins; it skips past b3, dropping (a1, b2).
  assert.deepEqual(matches(p, events), [{ a: [0], b: [3] }]);
});

test("skip to first / last step: the next match may start inside the previous one", () => {
  const steps = [st("a", v(1)), st("b", v(1), { min: 1, max: null, contiguity: "strict", inner: "strict" })];
  const first = matches(
    { steps, withinMs: null, skip: { kind: "skip-to-first", step: "b", orFail: false } },
    evs(1, 1, 1),
  );
  assert.deepEqual(first, [
    { a: [0], b: [1] },
    { a: [1], b: [2] },
  ]);
  const last = matches(
    { steps, withinMs: null, skip: { kind: "skip-to-last", step: "b", orFail: false } },
    evs(1, 1, 1, 1),
  );
  assert.deepEqual(last, [
    { a: [0], b: [1] },
    { a: [1], b: [2] },
    { a: [2], b: [3] },
  ]);
});

test("late events go to the dead letters; null keys stay null", () => {
  const p: TestPattern = { steps: [st("a", v(1)), st("b", v(2))], withinMs: null, skip: PAST_LAST };
  const preds = new Predicates();
  const task = fakeTask();
  task.attach(createPatternOperator(toOp(p, preds), task.ctx, "ev", preds.compile));
  task.process(event(null, 100, { id: 0, v: 1 }, 0));
  task.advance(100);
  task.process(event(null, 50, { id: 1, v: 2 }, 1)); // behind the watermark
  task.process(event(null, 150, { id: 2, v: 2 }, 2));
  task.end();
  assert.deepEqual(
    task.dead.map((d) => [d.reason, d.record.origin.offset]),
    [["late-record", 1]],
  );
  assert.deepEqual(
    task.out.map((o) => [o.key, readMatch(o).steps]),
    [[null, { a: [0], b: [2] }]],
  );
});

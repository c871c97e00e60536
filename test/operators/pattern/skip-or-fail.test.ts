// `skip to first/last X or fail` (MATCH_RECOGNIZE's run-time error, Flink's throwExceptionOnMiss): a
// match whose target took no event, or whose target event is the match's own first event, is written
// to the dead letters (operator-error) instead of being emitted, and matching goes on after its last
// event. The property tests in reference.test.ts check the same against the reference matcher.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Row } from "../../../src/core/value.ts";
import type { Env } from "../../../src/operators/pattern/compile-nfa.ts";
import type { SkipStrategy } from "../../../src/plan/plan.ts";
import { createTestDriver } from "../../../src/testing/index.ts";
import { readMatch, runPattern, st, type TestEvent, type TestPattern } from "./build.ts";
import { canonical, refused } from "./canonical.ts";

const v = (n: number) => (env: Env) => (env["ev"] as Row)["v"] === n;
const evs = (...vals: number[]): TestEvent[] =>
  vals.map((x, i) => ({ key: "k", ts: i * 10, row: { id: i, v: x } }));

// a -> b? -> c: b is optional, so a match may have no b to skip to.
const pattern = (skip: SkipStrategy): TestPattern => ({
  steps: [st("a", v(1)), st("b", v(2), { min: 0, max: 1 }), st("c", v(3))],
  withinMs: 100,
  skip,
});

function run(skip: SkipStrategy, events: TestEvent[]) {
  const p = pattern(skip);
  const r = runPattern(p, events, 0);
  assert.equal(r.storeSize, 0, "state left after end of input");
  return {
    out: r.out.map((o) => readMatch(o).steps),
    dead: r.task.dead,
    refused: refused(p, r.task.dead, events, "k"),
  };
}

test("or fail: a match without its target is a dead letter naming rule, operator and step; the next match starts after it", () => {
  // a0 a1 c2: (a0, c2) and (a1, c2) both lack b. Refusing (a0, c2) skips past c2, so (a1, c2) is gone too.
  const failing = run({ kind: "skip-to-first", step: "b", orFail: true }, evs(1, 1, 3, 1, 2, 3));
  assert.deepEqual(failing.out, [{ a: [3], b: [4], c: [5] }]);
  assert.equal(failing.dead.length, 1);
  const [d] = failing.dead;
  assert.equal(d?.reason, "operator-error");
  assert.deepEqual(failing.refused, [canonical({ a: [0], b: [], c: [2] }, 20)]);
  // The record is the match's last event as the rule saw it (what a dead-letter replay re-drives).
  assert.deepEqual(d?.record.value, { ev: { id: 2, v: 3 } });
  assert.deepEqual([d?.record.timestamp, d?.record.origin.offset], [20, 2]);
  assert.equal(
    d?.message,
    "rule test_rule, pattern m: skip to first b or fail: step 'b' took no event in the match from 0 to 20 (a=in/0@0 c=in/0@2); the match is not emitted and the next one starts after its last event",
  );
  // Without `or fail` the same input falls back to skip to next: both b-less matches are emitted.
  const fallback = run({ kind: "skip-to-first", step: "b", orFail: false }, evs(1, 1, 3, 1, 2, 3));
  assert.deepEqual(fallback.out, [
    { a: [0], b: [], c: [2] },
    { a: [1], b: [], c: [2] },
    { a: [3], b: [4], c: [5] },
  ]);
  assert.deepEqual(fallback.dead, []);
});

test("or fail: a target event that is the match's own first event fails too (skip to last of the first step)", () => {
  const p: TestPattern = {
    steps: [st("a", v(1), { min: 1, max: 2, inner: "strict" }), st("c", v(3))],
    withinMs: 100,
    skip: { kind: "skip-to-last", step: "a", orFail: true },
  };
  // (a0, c1): a's last event is the match's first, refused; the next match starts after c1.
  // (a2 a3, c4) is emitted and skips to a3; then (a3, c4) starts at its own target: refused.
  const events = evs(1, 3, 1, 1, 3);
  const r = runPattern(p, events, 0);
  assert.deepEqual(
    r.out.map((o) => readMatch(o).steps),
    [{ a: [2, 3], c: [4] }],
  );
  assert.deepEqual(refused(p, r.task.dead, events, "k"), [
    canonical({ a: [0], c: [1] }, 10),
    canonical({ a: [3], c: [4] }, 40),
  ]);
  assert.ok(
    r.task.dead.every((d) => d.message.includes("the last event of step 'a' is the match's own first event")),
  );
});

test("or fail through the runtime: the rule's dead letter carries the refused match", async () => {
  const rules = `stream payments from topic "payments" key card
  schema { id: int, card: string, amount: float, ts: timestamp } event time ts, lateness 0s
rule probe_then_big
  from payments
  match probe: amount < 2 -> retry?: amount between 2 and 10 -> big: amount > 500
  within 10m
  skip to first retry or fail
  emit to "alerts" { card, first: probe.id, big: big.id }
`;
  const d = await createTestDriver({ rules });
  const pay = (id: number, amount: number, at: number) =>
    d.pipe("payments", { id, card: "c1", amount, ts: 0 }, { at });
  pay(1, 1, 1_000); // probe
  pay(2, 900, 2_000); // big without a retry: refused
  pay(3, 1, 3_000); // probe
  pay(4, 5, 4_000); // retry
  pay(5, 900, 5_000); // big: emitted
  d.endOfInput();
  assert.deepEqual(d.values("alerts"), [{ card: "c1", first: 3, big: 5 }]);
  const dead = d.deadLetters();
  assert.deepEqual(
    dead.map((x) => [x.reason, x.rule, x.timestamp]),
    [["operator-error", "probe_then_big", 2_000]],
  );
  assert.match(
    dead[0]?.message ?? "",
    /^rule probe_then_big, pattern probe_then_big\.pattern: skip to first retry or fail: step 'retry' took no event/,
  );
  assert.deepEqual(JSON.parse(dead[0]?.raw ?? "null"), {
    payments: { id: 2, card: "c1", amount: 900, ts: 2_000 },
  });
});

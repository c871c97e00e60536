// The pattern operator's cheap path (src/operators/pattern/inert.ts): an event that satisfies no step
// costs a condition check and nothing else: no store write and no timer, counted through a store and
// a timer service that record every call. Events that can matter still go the full way.
import assert from "node:assert/strict";
import { test } from "node:test";
import { T } from "../../../src/core/schema.ts";
import type { Value } from "../../../src/core/value.ts";
import { compileExpr } from "../../../src/eval/compile-expr.ts";
import type { OperatorContext, TimerService } from "../../../src/operators/operator.ts";
import { createPatternOperator } from "../../../src/operators/pattern/pattern-operator.ts";
import type { Expr } from "../../../src/plan/expr.ts";
import type { PatternOp, PatternStep } from "../../../src/plan/plan.ts";
import { createMemoryTaskStores } from "../../../src/state/memory-stores.ts";
import type { KeyValueStore } from "../../../src/state/store.ts";
import { countingStore } from "../harness.ts";

const field = (...path: string[]): Expr => ({ kind: "field", path, type: T.float });
const num = (value: number): Expr => ({ kind: "literal", value, type: T.float });
const bin = (op: "<" | ">" | "!=" | "and", left: Expr, right: Expr): Expr => ({
  kind: "binary",
  op,
  left,
  right,
  type: T.bool,
});

function step(name: string, condition: Expr, extra: Partial<PatternStep> = {}): PatternStep {
  return {
    name,
    condition,
    quantifier: { min: 1, max: 1, greedy: false, longest: false },
    contiguity: "relaxed",
    innerContiguity: "relaxed",
    until: null,
    negated: false,
    ...extra,
  };
}

// small: amount < 2 -> big: amount > 500 and big.merchant != small.merchant, within 10m, skip past last.
function cardTesting(firstStep: Partial<PatternStep> = {}, secondStep: Partial<PatternStep> = {}): PatternOp {
  return {
    kind: "pattern",
    name: "card_testing",
    steps: [
      step("small", bin("<", field("payments", "amount"), num(2)), firstStep),
      step(
        "big",
        bin(
          "and",
          bin(">", field("big", "amount"), num(500)),
          bin("!=", field("big", "merchant"), field("small", "merchant")),
        ),
        secondStep,
      ),
    ],
    withinMs: 600_000,
    skip: { kind: "skip-past-last" },
    store: { name: "card_testing.pattern", kind: "pattern-buffer" },
    onTimeout: null,
    gapMs: null,
    startOnce: false,
  };
}

/** Runs `op` over payments with the given amounts (one card, one a second) and counts store writes and timers. */
function countCalls(op: PatternOp, amounts: readonly number[]) {
  const stores = createMemoryTaskStores();
  let writes = 0;
  let timers = 0;
  const counting = (s: KeyValueStore): KeyValueStore =>
    countingStore(s, () => {
      writes++;
    });
  const timerService: TimerService = {
    register: () => {
      timers++;
    },
    cancel: () => {
      timers++;
    },
  };
  const out: unknown[] = [];
  const ctx: OperatorContext = {
    rule: "card_testing",
    params: new Map<string, Value>(),
    store: (name) => counting(stores.store(name)),
    timers: timerService,
    watermark: () => Number.NEGATIVE_INFINITY,
    forward: (r) => out.push(r),
    deadLetter: () => assert.fail("no event is late"),
  };
  const operator = createPatternOperator(op, ctx, "payments", (e) => compileExpr(e, ctx.params));
  amounts.forEach((amount, i) => {
    operator.process({
      key: "card1",
      value: { payments: { card_id: "card1", amount, merchant: `m${i % 3}` } },
      timestamp: i * 1000,
      origin: { topic: "payments", partition: 0, offset: i },
    });
  });
  return { writes, timers };
}

const ordinary = Array.from({ length: 1000 }, (_, i) => 10 + (i % 400)); // neither small nor big

test("an event that satisfies no step writes nothing to the store and registers no timer", () => {
  assert.deepEqual(countCalls(cardTesting(), ordinary), { writes: 0, timers: 0 });
});

test("an event that may satisfy a step still goes the full way (buffered, timed)", () => {
  const r = countCalls(cardTesting(), [...ordinary, 1.5, 600]);
  assert.ok(r.writes >= 2, `writes ${r.writes}`);
  assert.ok(r.timers >= 2, `timers ${r.timers}`);
});

for (const [what, op] of [
  ["strict contiguity (next)", cardTesting({}, { contiguity: "strict" })],
  ["a greedy loop", cardTesting({ quantifier: { min: 1, max: null, greedy: true, longest: false } })],
  [
    "a step whose condition reads only another step",
    cardTesting({}, { condition: bin("!=", field("big", "merchant"), field("small", "merchant")) }),
  ],
] as const) {
  test(`no cheap path with ${what}: every event is buffered`, () => {
    const r = countCalls(op, ordinary.slice(0, 50));
    assert.ok(r.writes >= 50, `writes ${r.writes}`);
  });
}

// With `prev(amount)` an event no step can take is still the previous event of the next one, so it
// is buffered (store write, timer) until the watermark orders it, but never fed to the NFA.
test("with prev(x), an inert event is buffered for prev but takes no part in matches", () => {
  const prevAmount: Expr = { kind: "field", path: ["$prev", "amount"], type: T.float };
  const op = cardTesting(
    {},
    {
      condition: bin(
        "and",
        bin(">", field("big", "amount"), num(500)),
        bin(">", field("big", "amount"), prevAmount),
      ),
    },
  );
  const r = countCalls(op, ordinary.slice(0, 50));
  assert.ok(r.writes >= 50, `writes ${r.writes}`);
  assert.ok(r.timers >= 50, `timers ${r.timers}`);
});

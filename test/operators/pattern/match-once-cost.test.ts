// `match once`: a key whose pattern has started and has nothing open can never match again, so its
// later events cost a condition check and nothing else: no store write and no timer, counted through
// a store and a timer service that record every call (as cheap-path.test.ts does for inert events).
import assert from "node:assert/strict";
import { test } from "node:test";
import { T } from "../../../src/core/schema.ts";
import { createPatternOperator } from "../../../src/operators/pattern/pattern-operator.ts";
import type { Expr } from "../../../src/plan/expr.ts";
import type { PatternOp } from "../../../src/plan/plan.ts";
import { countingStore, createHarness } from "../harness.ts";

// match once abroad: amount > 100 (a single-step pattern: a match completes on its event).
const abroad: Expr = {
  kind: "binary",
  op: ">",
  left: { kind: "field", path: ["payments", "amount"], type: T.float },
  right: { kind: "literal", value: 100, type: T.float },
  type: T.bool,
};
const op: PatternOp = {
  kind: "pattern",
  name: "first_big",
  steps: [
    {
      name: "abroad",
      condition: abroad,
      quantifier: { min: 1, max: 1, greedy: false, longest: false },
      contiguity: "relaxed",
      innerContiguity: "relaxed",
      until: null,
      negated: false,
    },
  ],
  withinMs: null,
  skip: { kind: "skip-past-last" },
  store: { name: "first_big.pattern", kind: "pattern-buffer" },
  onTimeout: null,
  gapMs: null,
  startOnce: true,
};

test("match once: after the key's match, events that satisfy the first step write nothing and set no timer", () => {
  const h = createHarness();
  const calls = { writes: 0, timers: 0 };
  const ctx = {
    ...h.ctx,
    store: (name: string) =>
      countingStore(h.ctx.store(name), () => {
        calls.writes++;
      }),
    timers: {
      register: (time: number, key: string) => {
        calls.timers++;
        h.ctx.timers.register(time, key);
      },
      cancel: (time: number, key: string) => {
        calls.timers++;
        h.ctx.timers.cancel(time, key);
      },
    },
  };
  h.attach(createPatternOperator(op, ctx, "payments", h.compile));
  let offset = 0;
  const pay = (amount: number, t: number) =>
    h.process({
      key: "card1",
      value: { payments: { card_id: "card1", amount } },
      timestamp: t,
      origin: { topic: "payments", partition: 0, offset: offset++ },
    });
  pay(50, 1);
  pay(500, 2); // starts and completes the key's one match
  h.advance(2);
  assert.equal(h.out.length, 1, "the first big payment matches");
  assert.ok(calls.writes > 0 && calls.timers > 0, "the match itself went the full way");
  const before = { ...calls };
  for (let i = 0; i < 200; i++) pay(i % 2 === 0 ? 1000 + i : 20, 10 + i);
  h.advance(1_000);
  assert.deepEqual(calls, before, "no store write and no timer after the key's match");
  assert.equal(h.out.length, 1, "and no second match");
});

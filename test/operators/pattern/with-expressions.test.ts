// The pattern operator with checked expressions compiled by src/eval (the runtime's real compiler):
// the environment convention of PatternOp (step names, `$steps`, step aggregates, the source alias)
// lines up between the compiler's output and the NFA's environments.
import assert from "node:assert/strict";
import { test } from "node:test";
import { T } from "../../../src/core/schema.ts";
import { compileExpr } from "../../../src/eval/compile-expr.ts";
import { createPatternOperator } from "../../../src/operators/pattern/pattern-operator.ts";
import type { Expr } from "../../../src/plan/expr.ts";
import type { PatternOp } from "../../../src/plan/plan.ts";
import { fakeTask } from "./fake-context.ts";

const field = (...path: string[]): Expr => ({ kind: "field", path, type: T.float });
const num = (value: number): Expr => ({ kind: "literal", value, type: T.float });
const bin = (op: "<" | ">" | ">=" | "!=" | "and", left: Expr, right: Expr): Expr => ({
  kind: "binary",
  op,
  left,
  right,
  type: T.bool,
});

// match small{2,}: payments.amount < 2 -> big: amount > 500 and merchant != small.merchant
//   and count(small) >= 2 within 10m (skip past last)
const op: PatternOp = {
  kind: "pattern",
  name: "card_testing",
  steps: [
    {
      name: "small",
      condition: bin("<", field("payments", "amount"), num(2)),
      quantifier: { min: 2, max: null, greedy: false, longest: false },
      contiguity: "relaxed",
      innerContiguity: "relaxed",
      until: null,
      negated: false,
    },
    {
      name: "big",
      condition: bin(
        "and",
        bin(
          "and",
          bin(">", field("big", "amount"), num(500)),
          bin("!=", field("big", "merchant"), field("small", "merchant")),
        ),
        bin(">=", { kind: "step-aggregate", fn: "count", step: "small", arg: null, type: T.int }, num(2)),
      ),
      quantifier: { min: 1, max: 1, greedy: false, longest: false },
      contiguity: "relaxed",
      innerContiguity: "relaxed",
      until: null,
      negated: false,
    },
  ],
  withinMs: 600_000,
  skip: { kind: "skip-past-last" },
  store: { name: "card_testing.pattern", kind: "pattern-buffer" },
  onTimeout: null,
  gapMs: null,
  startOnce: false,
};

test("card testing with compiled expressions: step references, step aggregates, output environment", () => {
  const task = fakeTask();
  task.attach(createPatternOperator(op, task.ctx, "payments", (e) => compileExpr(e, new Map())));
  const pay = [
    { t: 0, amount: 1, merchant: "m1" },
    { t: 1000, amount: 900, merchant: "m2" }, // only one small so far: count(small) >= 2 fails
    { t: 2000, amount: 1.5, merchant: "m1" },
    { t: 3000, amount: 700, merchant: "m1" }, // same merchant as the last small: no
    { t: 4000, amount: 800, merchant: "m3" }, // match: smalls at 0 and 2000, big at 4000
  ];
  pay.forEach((p, i) => {
    task.process({
      key: "card1",
      value: { payments: { card: "card1", ...p } },
      timestamp: p.t,
      origin: { topic: "payments", partition: 0, offset: i },
    });
  });
  task.advance(10_000);
  assert.equal(task.out.length, 1);
  const m = task.out[0]!;
  assert.equal(m.key, "card1");
  assert.equal(m.timestamp, 4000);
  assert.deepEqual(m.value["$match"], { start: 0, end: 4000 });
  assert.deepEqual((m.value["small"] as { amount: number }).amount, 1.5);
  assert.deepEqual((m.value["big"] as { merchant: string }).merchant, "m3");
  assert.deepEqual((m.value["payments"] as { t: number }).t, 4000);
  assert.deepEqual(
    ((m.value["$steps"] as Record<string, { t: number }[]>)["small"] ?? []).map((r) => r.t),
    [0, 2000],
  );
  assert.deepEqual(m.evidence, {
    kind: "events",
    events: [0, 2, 4].map((offset) => ({ topic: "payments", partition: 0, offset })),
  });
  task.end();
  assert.equal(task.stores.store(op.store.name).size(), 0);
});

// Operator tests: filter, re-key, sink and the operator factory, on the in-memory test double.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { OutputRecord } from "../../src/core/record.ts";
import { T } from "../../src/core/schema.ts";
import { createOperator } from "../../src/operators/create-operator.ts";
import { createFilterOperator } from "../../src/operators/filter.ts";
import { createRekeyOperator } from "../../src/operators/rekey.ts";
import { createSinkOperator } from "../../src/operators/sink.ts";
import type { Expr } from "../../src/plan/expr.ts";
import type { PlanOp } from "../../src/plan/plan.ts";
import { createHarness, rec } from "./harness.ts";

const f = (...path: string[]): Expr => ({ kind: "field", path, type: T.any });
const gt = (l: Expr, v: number): Expr => ({
  kind: "binary",
  op: ">",
  left: l,
  right: { kind: "literal", value: v, type: T.int },
  type: T.bool,
});

test("filter forwards true, drops false and null", () => {
  const h = createHarness();
  h.attach(
    createFilterOperator(
      { kind: "filter", name: "f", predicate: gt(f("p", "amount"), 100) },
      h.ctx,
      h.compile,
    ),
  );
  h.process(rec("a", 1, { amount: 250 }, "p", 0));
  h.process(rec("a", 2, { amount: 50 }, "p", 1));
  h.process(rec("a", 3, { amount: null }, "p", 2));
  h.process(rec("a", 4, {}, "p", 3));
  assert.deepEqual(
    h.out.map((r) => r.origin.offset),
    [0],
  );
});

test("rekey: one key is String(value) (null: the null key), several are a JSON array; the rest is kept", () => {
  const h = createHarness();
  const one = { kind: "rekey", name: "rk", keys: [f("p", "customer")], repartitionTopic: "x" } as const;
  h.attach(createRekeyOperator(one, h.ctx, h.compile));
  h.process(rec("card-1", 5, { customer: "cust-7", n: 3 }, "p", 9));
  h.process(rec("card-1", 5, { customer: 42 }, "p", 10));
  h.process(rec("card-1", 5, {}, "p", 11));
  assert.deepEqual(
    h.out.map((r) => r.key),
    ["cust-7", "42", null],
  );
  assert.deepEqual(h.out[0], { ...rec("card-1", 5, { customer: "cust-7", n: 3 }, "p", 9), key: "cust-7" });
  const h2 = createHarness();
  h2.attach(createRekeyOperator({ ...one, keys: [f("p", "a"), f("p", "b")] }, h2.ctx, h2.compile));
  h2.process(rec(null, 1, { a: "x", b: 2 }, "p", 0));
  assert.equal(h2.out[0]?.key, '["x",2]');
});

test("sink projects the emit list into an OutputRecord with rule, key, time and evidence", () => {
  const h = createHarness();
  const emitted: OutputRecord[] = [];
  const sink = createSinkOperator(
    {
      name: "sink",
      topic: "alerts",
      projection: [
        { name: "card", expr: f("p", "card") },
        { name: "big", expr: gt(f("p", "amount"), 100) },
      ],
      outputSchema: { fields: [] },
    },
    h.ctx,
    h.compile,
    { emit: (r) => emitted.push(r) },
  );
  sink.process(rec("c1", 77, { card: "c1", amount: 500 }, "p", 4));
  assert.deepEqual(emitted, [
    {
      topic: "alerts",
      key: "c1",
      value: { card: "c1", big: true },
      timestamp: 77,
      rule: "test_rule",
      evidence: { kind: "events", events: [{ topic: "in", partition: 0, offset: 4 }] },
    },
  ]);
});

test("createOperator builds every kind", () => {
  const h = createHarness();
  const ops: PlanOp[] = [
    { kind: "filter", name: "f", predicate: gt(f("p", "amount"), 1) },
    { kind: "rekey", name: "r", keys: [f("p", "a")], repartitionTopic: "t" },
    {
      kind: "window-aggregate",
      name: "w",
      groupBy: [],
      window: { kind: "tumbling", sizeMs: 10 },
      graceMs: 0,
      aggregates: [{ name: "n", fn: "count", arg: null }],
      having: null,
      emit: "final",
      store: { name: "w", kind: "window" },
    },
    {
      kind: "stream-join",
      name: "j",
      right: { stream: "s2", alias: "q" },
      rightKeys: [],
      withinMs: 5,
      graceMs: 0,
      condition: null,
      joinType: "inner",
      store: { name: "j", kind: "join-buffer" },
    },
    {
      kind: "table-join",
      name: "t",
      table: "cards",
      alias: "c",
      joinType: "left",
      store: { name: "t", kind: "key-value" },
    },
    {
      kind: "pattern",
      name: "pat",
      steps: [
        {
          name: "a",
          condition: null,
          quantifier: { min: 1, max: 1, greedy: false, longest: false },
          contiguity: "strict",
          innerContiguity: "strict",
          until: null,
          negated: false,
        },
      ],
      withinMs: 1000,
      skip: { kind: "no-skip" },
      store: { name: "pat", kind: "pattern-buffer" },
      onTimeout: null,
      gapMs: null,
      startOnce: false,
    },
  ];
  for (const op of ops) {
    const operator = createOperator(op, h.ctx, "p");
    assert.equal(typeof operator.process, "function");
  }
});

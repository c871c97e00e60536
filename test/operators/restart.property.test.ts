// Property test: operators keep all their state in their stores, so a fresh operator instance over
// the same stores (a restart from a checkpoint) continues exactly where the old one stopped.
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import type { StreamRecord } from "../../src/core/record.ts";
import { T } from "../../src/core/schema.ts";
import { createOperator } from "../../src/operators/create-operator.ts";
import type { PlanOp, WindowSpec } from "../../src/plan/plan.ts";
import { createHarness, rec } from "./harness.ts";

const field = (...path: string[]) => ({ kind: "field", path, type: T.any }) as const;

function windowOp(window: WindowSpec, emit: "final" | "changes"): PlanOp {
  return {
    kind: "window-aggregate",
    name: "w",
    groupBy: [],
    window,
    graceMs: 3,
    aggregates: [
      { name: "n", fn: "count", arg: null },
      { name: "d", fn: "count_distinct", arg: field("s", "v") },
      { name: "f", fn: "first", arg: field("s", "v") },
    ],
    having: null,
    emit,
    store: { name: "w", kind: "window" },
  };
}

const OPS: PlanOp[] = [
  ...(["final", "changes"] as const).flatMap((emit) => [
    windowOp({ kind: "tumbling", sizeMs: 10 }, emit),
    windowOp({ kind: "hopping", sizeMs: 10, advanceMs: 4 }, emit),
    windowOp({ kind: "sliding", sizeMs: 40 }, emit),
    windowOp({ kind: "session", gapMs: 5 }, emit),
  ]),
  {
    kind: "stream-join",
    name: "j",
    right: { stream: "r", alias: "r" },
    rightKeys: [field("r", "k")],
    withinMs: 6,
    graceMs: 2,
    condition: null,
    joinType: "left",
    store: { name: "j", kind: "join-buffer" },
  },
];

const events = fc.array(
  fc.record({
    key: fc.constantFrom("a", "b"),
    t: fc.integer({ min: 0, max: 100 }),
    v: fc.integer({ min: 0, max: 3 }),
    right: fc.boolean(),
  }),
  { maxLength: 40 },
);

function run(op: PlanOp, evs: { key: string; t: number; v: number; right: boolean }[], restartAt: number) {
  const h = createHarness();
  h.attach(createOperator(op, h.ctx, "s"));
  evs.forEach((e, i) => {
    if (i === restartAt) h.attach(createOperator(op, h.ctx, "s"));
    const r: StreamRecord =
      op.kind === "stream-join" && e.right
        ? rec(null, e.t, { k: e.key, v: e.v }, "r", i)
        : rec(e.key, e.t, { k: e.key, v: e.v }, "s", i);
    h.process(r);
    h.advance(Math.floor(e.t / 2) * 2 - 5);
  });
  h.end();
  return { out: h.out, dead: h.dead.map((d) => d.record.origin.offset) };
}

test("a fresh operator over the same stores continues exactly (every window kind and mode, joins)", () => {
  fc.assert(
    fc.property(fc.constantFrom(...OPS), events, fc.nat(), (op, evs, cut) => {
      const restartAt = evs.length === 0 ? 0 : cut % evs.length;
      assert.deepEqual(run(op, evs, restartAt), run(op, evs, -1));
    }),
    { numRuns: 300 },
  );
});

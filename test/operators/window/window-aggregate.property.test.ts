// Property tests: every window kind x both emit modes against the brute-force reference model,
// with random keys, out-of-order times, grace, late records; state and timers are empty at the end.
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { T } from "../../../src/core/schema.ts";
import type { Row, Value } from "../../../src/core/value.ts";
import { createWindowAggregateOperator } from "../../../src/operators/window/window-aggregate.ts";
import type { Expr } from "../../../src/plan/expr.ts";
import type { AggregateFn, WindowAggregateOp, WindowSpec } from "../../../src/plan/plan.ts";
import { createHarness, rec } from "../harness.ts";
import { AGG_NAMES, type Ev, type Out, reference, type Win } from "./reference.ts";

const v: Expr = { kind: "field", path: ["s", "v"], type: T.int };
const AGGS: [string, AggregateFn, Expr | null][] = [
  ["n", "count", null],
  ["cnt_v", "count", v],
  ["total", "sum", v],
  ["mean", "avg", v],
  ["lo", "min", v],
  ["hi", "max", v],
  ["distinct", "count_distinct", v],
  ["first_v", "first", v],
  ["last_v", "last", v],
  ["sd", "stddev", v],
];

function toSpec(w: Win): WindowSpec {
  switch (w.kind) {
    case "tumbling":
      return { kind: "tumbling", sizeMs: w.size };
    case "hopping":
      return { kind: "hopping", sizeMs: w.size, advanceMs: w.advance };
    case "sliding":
      return { kind: "sliding", sizeMs: w.size };
    case "session":
      return { kind: "session", gapMs: w.gap };
  }
}

function windowOp(
  w: Win,
  grace: number,
  emit: "final" | "changes",
  having: Expr | null = null,
): WindowAggregateOp {
  return {
    kind: "window-aggregate",
    name: "agg",
    groupBy: [{ name: "k", expr: { kind: "field", path: ["s", "k"], type: T.string } }],
    window: toSpec(w),
    graceMs: grace,
    aggregates: AGGS.map(([name, fn, arg]) => ({ name, fn, arg })),
    having,
    emit,
    store: { name: "rule.agg", kind: "window" },
  };
}

const round = (x: Value): Value => (typeof x === "number" ? Math.round(x * 1e6) / 1e6 : x);

function normalize(o: Out): Out {
  const aggs: Record<string, Value> = {};
  for (const n of AGG_NAMES) aggs[n] = round(o.aggs[n] ?? null);
  return { key: o.key, start: o.start, end: o.end, aggs };
}

const sortOuts = (xs: Out[]) => xs.map((x) => JSON.stringify(normalize(x))).sort();

const events = fc
  .array(
    fc.record({
      key: fc.constantFrom("a", "b", "c"),
      dt: fc.integer({ min: 0, max: 6 }),
      jitter: fc.integer({ min: -40, max: 5 }),
      v: fc.option(fc.integer({ min: -5, max: 20 }), { nil: null, freq: 6 }),
    }),
    { maxLength: 45 },
  )
  .map((xs) => {
    let clock = 0;
    return xs.map((x, i): Ev => {
      clock += x.dt;
      return { key: x.key, t: Math.max(0, clock + x.jitter), v: x.v, i };
    });
  });

function runOperator(
  w: Win,
  grace: number,
  lateness: number,
  emit: "final" | "changes",
  evs: readonly Ev[],
  watermarkFirst: boolean,
) {
  const h = createHarness();
  const op = windowOp(w, grace, emit);
  h.attach(createWindowAggregateOperator(op, h.ctx, h.compile));
  for (const e of evs) {
    if (watermarkFirst) h.advance(e.t - lateness);
    h.process(rec(e.key, e.t, { k: e.key, v: e.v }, "s", e.i));
    h.advance(e.t - lateness);
  }
  h.end();
  const outs = h.out.map((r): Out => {
    const row = r.value["$"] as Row;
    assert.equal(row["k"], r.key);
    assert.equal(row["key"], r.key);
    assert.equal(r.timestamp, row["window_end"]);
    assert.equal(r.evidence?.kind === "range" ? r.evidence.count : -1, row["n"]);
    return {
      key: r.key as string,
      start: row["window_start"] as number,
      end: row["window_end"] as number,
      aggs: row as Record<string, Value>,
    };
  });
  assert.ok(h.dead.every((d) => d.reason === "late-record"));
  return {
    outs,
    late: h.dead.map((d) => d.record.origin.offset),
    storeSize: h.storeSize(op.store.name),
    timers: h.pendingTimers(),
  };
}

const windows: Record<Win["kind"], fc.Arbitrary<Win>> = {
  tumbling: fc.integer({ min: 5, max: 40 }).map((size): Win => ({ kind: "tumbling", size })),
  hopping: fc
    .integer({ min: 5, max: 40 })
    .chain((size) =>
      fc.integer({ min: 3, max: size }).map((advance): Win => ({ kind: "hopping", size, advance })),
    ),
  sliding: fc.integer({ min: 1, max: 130 }).map((size): Win => ({ kind: "sliding", size })),
  session: fc.integer({ min: 1, max: 20 }).map((gap): Win => ({ kind: "session", gap })),
};

for (const kind of ["tumbling", "hopping", "sliding", "session"] as const) {
  for (const emit of ["final", "changes"] as const) {
    test(`${kind} windows, emit ${emit}: same outputs and late records as the reference model; no state left`, () => {
      fc.assert(
        fc.property(
          windows[kind],
          fc.integer({ min: 0, max: 20 }),
          fc.integer({ min: 0, max: 30 }),
          events,
          fc.boolean(),
          (w, grace, lateness, evs, watermarkFirst) => {
            const got = runOperator(w, grace, lateness, emit, evs, watermarkFirst);
            const want = reference(w, grace, lateness, emit, evs, watermarkFirst);
            assert.deepEqual(got.late, want.late);
            if (emit === "changes") assert.deepEqual(got.outs.map(normalize), want.outputs.map(normalize));
            else assert.deepEqual(sortOuts(got.outs), sortOuts(want.outputs));
            assert.equal(got.storeSize, 0);
            assert.equal(got.timers, 0);
          },
        ),
        { numRuns: 150 },
      );
    });
  }
}

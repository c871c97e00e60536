// Property tests: the stream-stream join (inner and left) against a nested-loop join over the
// accepted records, with random keys (some null), out-of-order times, grace and late records.
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { T } from "../../../src/core/schema.ts";
import type { Row } from "../../../src/core/value.ts";
import { createStreamJoinOperator } from "../../../src/operators/join/stream-join.ts";
import type { Expr } from "../../../src/plan/expr.ts";
import type { StreamJoinOp } from "../../../src/plan/plan.ts";
import { createHarness, rec } from "../harness.ts";

interface Ev {
  readonly side: "L" | "R";
  readonly key: string | null;
  readonly t: number;
  readonly x: number;
  readonly i: number;
}

const f = (...path: string[]): Expr => ({ kind: "field", path, type: T.int });
/** `l.x + r.x != 3` */
const COND: Expr = {
  kind: "binary",
  op: "!=",
  left: { kind: "binary", op: "+", left: f("l", "x"), right: f("r", "x"), type: T.int },
  right: { kind: "literal", value: 3, type: T.int },
  type: T.bool,
};

function joinOp(joinType: "inner" | "left", within: number, grace: number, withCond: boolean): StreamJoinOp {
  return {
    kind: "stream-join",
    name: "j",
    right: { stream: "rights", alias: "r" },
    rightKeys: [f("r", "k")],
    withinMs: within,
    graceMs: grace,
    condition: withCond ? COND : null,
    joinType,
    store: { name: "rule.j", kind: "join-buffer" },
  };
}

const events = fc
  .array(
    fc.record({
      side: fc.constantFrom<"L" | "R">("L", "R"),
      key: fc.option(fc.constantFrom("a", "b", "c"), { nil: null, freq: 8 }),
      dt: fc.integer({ min: 0, max: 5 }),
      jitter: fc.integer({ min: -30, max: 5 }),
      x: fc.integer({ min: 0, max: 3 }),
    }),
    { maxLength: 40 },
  )
  .map((xs) => {
    let clock = 0;
    return xs.map((e, i): Ev => {
      clock += e.dt;
      return { side: e.side, key: e.key, t: Math.max(0, clock + e.jitter), x: e.x, i };
    });
  });

interface Pair {
  key: string | null;
  ts: number;
  l: number;
  r: number | null;
}

function reference(
  evs: readonly Ev[],
  joinType: string,
  within: number,
  grace: number,
  lateness: number,
  withCond: boolean,
) {
  let wm = Number.NEGATIVE_INFINITY;
  const accepted: Ev[] = [];
  const late: number[] = [];
  for (const e of evs) {
    if (e.t < wm - grace) late.push(e.i);
    else accepted.push(e);
    wm = Math.max(wm, e.t - lateness);
  }
  const pairs: Pair[] = [];
  for (const l of accepted.filter((e) => e.side === "L")) {
    let matched = false;
    for (const r of accepted.filter((e) => e.side === "R")) {
      if (l.key === null || l.key !== r.key || Math.abs(l.t - r.t) > within) continue;
      if (withCond && l.x + r.x === 3) continue;
      matched = true;
      pairs.push({ key: l.key, ts: Math.max(l.t, r.t), l: l.i, r: r.i });
    }
    if (!matched && joinType === "left") pairs.push({ key: l.key, ts: l.t, l: l.i, r: null });
  }
  return { pairs, late };
}

const sorted = (ps: Pair[]) => ps.map((p) => JSON.stringify(p)).sort();

for (const joinType of ["inner", "left"] as const) {
  test(`stream-stream ${joinType} join equals a nested-loop join over the accepted records; buffers drain`, () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 15 }),
        fc.integer({ min: 0, max: 15 }),
        fc.integer({ min: 0, max: 20 }),
        fc.boolean(),
        events,
        (within, grace, lateness, withCond, evs) => {
          const h = createHarness();
          const op = joinOp(joinType, within, grace, withCond);
          h.attach(createStreamJoinOperator(op, h.ctx, h.compile));
          for (const e of evs) {
            const row = { k: e.key, x: e.x, id: e.i };
            // Right records arrive unkeyed: the operator keys them by rightKeys.
            h.process(e.side === "L" ? rec(e.key, e.t, row, "l", e.i) : rec(null, e.t, row, "r", e.i));
            h.advance(e.t - lateness);
          }
          h.end();
          const got = h.out.map((o): Pair => {
            const r = o.value["r"] as Row | null;
            return {
              key: o.key,
              ts: o.timestamp,
              l: (o.value["l"] as Row)["id"] as number,
              r: r === null ? null : (r["id"] as number),
            };
          });
          const want = reference(evs, joinType, within, grace, lateness, withCond);
          assert.deepEqual(
            h.dead.map((d) => d.record.origin.offset),
            want.late,
          );
          assert.deepEqual(sorted(got), sorted(want.pairs));
          assert.equal(h.storeSize(op.store.name), 0);
          assert.equal(h.pendingTimers(), 0);
        },
      ),
      { numRuns: 200 },
    );
  });
}

test("a left record is null-padded only once the watermark passes t + within + grace", () => {
  const h = createHarness();
  h.attach(createStreamJoinOperator(joinOp("left", 10, 5, false), h.ctx, h.compile));
  h.process(rec("a", 100, { k: "a", x: 0, id: 1 }, "l", 1));
  h.advance(115);
  assert.equal(h.out.length, 0);
  h.process(rec(null, 110, { k: "a", x: 0, id: 2 }, "r", 2));
  assert.equal(h.out.length, 1);
  assert.deepEqual(h.out[0]?.value, { l: { k: "a", x: 0, id: 1 }, r: { k: "a", x: 0, id: 2 } });
  assert.equal(h.out[0]?.timestamp, 110);
  assert.deepEqual(h.out[0]?.evidence, {
    kind: "events",
    events: [
      { topic: "in", partition: 0, offset: 1 },
      { topic: "in", partition: 0, offset: 2 },
    ],
  });
  h.process(rec("b", 110, { k: "b", x: 0, id: 3 }, "l", 3));
  h.advance(125);
  assert.equal(h.out.length, 1);
  h.advance(126);
  assert.equal(h.out.length, 2);
  assert.deepEqual(h.out[1]?.value, { l: { k: "b", x: 0, id: 3 }, r: null });
});

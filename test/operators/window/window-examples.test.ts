// Worked examples of the window semantics in docs/windows-and-joins.md, one scenario per test.
import assert from "node:assert/strict";
import { test } from "node:test";
import { T } from "../../../src/core/schema.ts";
import type { Row } from "../../../src/core/value.ts";
import { createWindowAggregateOperator } from "../../../src/operators/window/window-aggregate.ts";
import type { Expr } from "../../../src/plan/expr.ts";
import type { WindowAggregateOp, WindowSpec } from "../../../src/plan/plan.ts";
import { createHarness, type Harness, rec } from "../harness.ts";

const amount: Expr = { kind: "field", path: ["p", "amount"], type: T.float };

function op(
  window: WindowSpec,
  emit: "final" | "changes",
  grace = 0,
  having: Expr | null = null,
): WindowAggregateOp {
  return {
    kind: "window-aggregate",
    name: "agg",
    groupBy: [{ name: "card", expr: { kind: "field", path: ["p", "card"], type: T.string } }],
    window,
    graceMs: grace,
    aggregates: [
      { name: "n", fn: "count", arg: null },
      { name: "total", fn: "sum", arg: amount },
    ],
    having,
    emit,
    store: { name: "r.agg", kind: "window" },
  };
}

function setup(o: WindowAggregateOp): Harness {
  const h = createHarness();
  h.attach(createWindowAggregateOperator(o, h.ctx, h.compile));
  return h;
}

let offset = 0;
const pay = (h: Harness, card: string, t: number, amt: number) =>
  h.process(rec(card, t, { card, amount: amt }, "p", offset++));
const rows = (h: Harness) => h.out.map((r) => r.value["$"] as Row);

test("tumbling emit final: one row per window at end + grace, having filters rows, state deleted", () => {
  const nAtLeast2: Expr = {
    kind: "binary",
    op: ">=",
    left: { kind: "field", path: ["$", "n"], type: T.int },
    right: { kind: "literal", value: 2, type: T.int },
    type: T.bool,
  };
  const h = setup(op({ kind: "tumbling", sizeMs: 10 }, "final", 5, nAtLeast2));
  pay(h, "c1", 1, 10);
  pay(h, "c1", 9, 5);
  pay(h, "c2", 3, 7);
  pay(h, "c1", 12, 1);
  h.advance(14);
  assert.equal(h.out.length, 0, "end 10 + grace 5 not reached");
  h.advance(15);
  assert.deepEqual(rows(h), [{ card: "c1", key: "c1", window_start: 0, window_end: 10, n: 2, total: 15 }]);
  assert.equal(h.out[0]?.timestamp, 10);
  assert.deepEqual(h.out[0]?.evidence, {
    kind: "range",
    first: { topic: "in", partition: 0, offset: offset - 4 },
    last: { topic: "in", partition: 0, offset: offset - 3 },
    count: 2,
  });
  assert.equal(h.storeSize("r.agg"), 1, "only c1's window [10, 20) is left");
  pay(h, "c1", 9, 100);
  assert.equal(h.dead.length, 1);
  assert.equal(h.dead[0]?.reason, "late-record");
});

test("hopping emit changes: one row per open window of the record, by ascending start", () => {
  const h = setup(op({ kind: "hopping", sizeMs: 10, advanceMs: 5 }, "changes"));
  pay(h, "c1", 7, 1);
  pay(h, "c1", 8, 2);
  assert.deepEqual(
    rows(h).map((r) => [r["window_start"], r["window_end"], r["n"], r["total"]]),
    [
      [0, 10, 1, 1],
      [5, 15, 1, 1],
      [0, 10, 2, 3],
      [5, 15, 2, 3],
    ],
  );
});

test("hopping with an advance larger than the size: records in the gaps belong to no window (not late)", () => {
  const h = setup(op({ kind: "hopping", sizeMs: 5, advanceMs: 10 }, "final"));
  pay(h, "c1", 3, 1);
  pay(h, "c1", 7, 2);
  h.end();
  assert.deepEqual(
    rows(h).map((r) => [r["window_start"], r["window_end"], r["n"]]),
    [[0, 5, 1]],
  );
  assert.equal(h.dead.length, 0);
});

test("sliding emit final counts every accepted record in (t - size, t], also those arriving later", () => {
  const h = setup(op({ kind: "sliding", sizeMs: 10 }, "final", 5));
  pay(h, "c1", 20, 1);
  pay(h, "c1", 10, 100); // (10 - size, 20] excludes 10: not in the window at 20
  pay(h, "c1", 18, 2); // arrives after the record at 20, still inside its window
  h.advance(25);
  assert.deepEqual(
    rows(h).map((r) => [r["window_start"], r["window_end"], r["n"], r["total"]]),
    [
      [0, 10, 1, 100],
      [8, 18, 2, 102],
    ],
  );
  h.advance(26);
  assert.deepEqual(rows(h)[2], { card: "c1", key: "c1", window_start: 10, window_end: 20, n: 2, total: 3 });
  h.end();
  assert.equal(h.storeSize("r.agg"), 0);
});

test("session merges: a bridging record merges two sessions (changes: merged row; final: one row)", () => {
  for (const emit of ["changes", "final"] as const) {
    const h = setup(op({ kind: "session", gapMs: 6 }, emit));
    pay(h, "c1", 0, 1);
    pay(h, "c1", 10, 2);
    pay(h, "c1", 5, 4);
    h.end();
    const got = rows(h).map((r) => [r["window_start"], r["window_end"], r["n"], r["total"]]);
    if (emit === "changes") {
      assert.deepEqual(got, [
        [0, 6, 1, 1],
        [10, 16, 1, 2],
        [0, 16, 3, 7],
      ]);
    } else assert.deepEqual(got, [[0, 16, 3, 7]]);
    assert.equal(h.storeSize("r.agg"), 0);
  }
});

test("a rolled-back record leaves no trace: states read from the store are never mutated in place", async () => {
  for (const window of [
    { kind: "tumbling", sizeMs: 10 },
    { kind: "sliding", sizeMs: 10 },
    { kind: "session", gapMs: 10 },
  ] as const) {
    const h = setup(op(window, "final"));
    pay(h, "c1", 1, 10);
    await h.commit();
    pay(h, "c1", 2, 1000);
    h.rollback();
    pay(h, "c1", 3, 5);
    h.end();
    assert.deepEqual(
      rows(h).map((r) => r["total"]),
      window.kind === "sliding" ? [10, 15] : [15],
      window.kind,
    );
  }
});

test("a state updated in place since the commit rolls back whole: nested aggregate states, several writes, a closed window", async () => {
  const distinct: Expr = { kind: "field", path: ["p", "card"], type: T.string };
  const withNested = (window: WindowSpec): WindowAggregateOp => ({
    ...op(window, "final"),
    aggregates: [
      { name: "n", fn: "count", arg: null },
      { name: "mean", fn: "avg", arg: amount },
      { name: "sd", fn: "stddev", arg: amount },
      { name: "cards", fn: "count_distinct", arg: distinct },
      { name: "first", fn: "first", arg: amount },
    ],
  });
  const byStart = (a: Row, b: Row) => (a["window_start"] as number) - (b["window_start"] as number);
  for (const window of [
    { kind: "tumbling", sizeMs: 10 },
    { kind: "hopping", sizeMs: 10, advanceMs: 5 },
    { kind: "sliding", sizeMs: 10 },
  ] as const) {
    const run = async (rolledBack: boolean): Promise<Row[]> => {
      const h = setup(withNested(window));
      pay(h, "c1", 1, 10);
      pay(h, "c1", 2, 20);
      await h.commit();
      const kept = h.out.length;
      if (rolledBack) {
        // Copied once (the committed entry is not the store's to change), then updated in place.
        pay(h, "c1", 3, 1000);
        pay(h, "c1", 4, 3000);
        pay(h, "d2", 4, 5);
        pay(h, "c1", 11, 7); // opens a later window
        h.advance(10); // closes the first windows, removing them in place
        assert.ok(h.out.length > kept, "the rolled-back part emitted windows");
        h.rollback();
        h.out.length = kept; // what a task drops with the rolled-back transaction
      } else h.advance(10);
      pay(h, "c1", 12, 30);
      h.end();
      return rows(h).sort(byStart);
    };
    assert.deepEqual(await run(true), await run(false), window.kind);
  }
});

test("state stays bounded on a long stream: windows and kept records are deleted as the watermark passes", () => {
  const windows: WindowSpec[] = [
    { kind: "tumbling", sizeMs: 1000 },
    { kind: "hopping", sizeMs: 1000, advanceMs: 250 },
    { kind: "sliding", sizeMs: 1000 },
    { kind: "session", gapMs: 200 },
  ];
  for (const window of windows) {
    const h = setup(op(window, "final", 100));
    let seed = 7;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    let maxSize = 0;
    for (let i = 0; i < 20000; i++) {
      const t = i * 10 + Math.floor(rand() * 50);
      pay(h, `c${Math.floor(rand() * 20)}`, t, 1);
      h.advance(t - 60);
      maxSize = Math.max(maxSize, h.storeSize("r.agg"));
    }
    // 20 keys; the live time span is size + grace + lateness (~1200 ms) = ~120 records; sliding
    // windows keep those records plus at most one pane (partial aggregate) per record.
    const bound = window.kind === "sliding" ? 300 : window.kind === "hopping" ? 160 : 60;
    assert.ok(maxSize <= bound, `${window.kind}: ${maxSize} live entries > ${bound}`);
    h.end();
    assert.equal(h.storeSize("r.agg"), 0);
    assert.equal(h.pendingTimers(), 0);
  }
});

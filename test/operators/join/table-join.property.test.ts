// Property test: the stream-table join against a latest-value model: each stream record sees the
// table row last written for its key before it (deletes included), inner joins drop misses.
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import type { Row } from "../../../src/core/value.ts";
import { createTableJoinOperator } from "../../../src/operators/join/table-join.ts";
import type { TableJoinOp } from "../../../src/plan/plan.ts";
import { createHarness, rec } from "../harness.ts";

const op = (joinType: "inner" | "left"): TableJoinOp => ({
  kind: "table-join",
  name: "tj",
  table: "cards",
  alias: "c",
  joinType,
  store: { name: "rule.tj", kind: "key-value" },
});

const events = fc.array(
  fc.record({
    table: fc.boolean(),
    key: fc.option(fc.constantFrom("a", "b", "c"), { nil: null, freq: 10 }),
    del: fc.boolean(),
    x: fc.integer({ min: 0, max: 99 }),
  }),
  { maxLength: 50 },
);

for (const joinType of ["inner", "left"] as const) {
  test(`stream-table ${joinType} join equals the latest-value model`, () => {
    fc.assert(
      fc.property(events, (evs) => {
        const h = createHarness();
        h.attach(createTableJoinOperator(op(joinType), h.ctx, h.compile));
        const table = new Map<string, Row>();
        const want: unknown[] = [];
        evs.forEach((e, i) => {
          if (e.table) {
            const row = e.del ? null : { id: e.key, x: e.x };
            h.process({
              key: e.key,
              value: { c: row },
              timestamp: i,
              origin: { topic: "cards", partition: 0, offset: i },
            });
            if (e.key !== null) {
              if (row === null) table.delete(e.key);
              else table.set(e.key, row);
            }
            return;
          }
          h.process(rec(e.key, i, { id: i }, "p", i));
          const row = e.key === null ? undefined : table.get(e.key);
          if (row !== undefined || joinType === "left")
            want.push({ key: e.key, value: { p: { id: i }, c: row ?? null } });
        });
        assert.deepEqual(
          h.out.map((o) => ({ key: o.key, value: o.value })),
          want,
        );
        assert.equal(h.storeSize("rule.tj"), table.size);
      }),
      { numRuns: 200 },
    );
  });
}

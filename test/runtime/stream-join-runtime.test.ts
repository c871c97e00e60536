// A stream-stream join whose right side is keyed by another field: the runtime re-keys the right side
// through its own repartition channels; the result equals a nested-loop join for any partition count.
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { T } from "../../src/core/schema.ts";
import type { Row } from "../../src/core/value.ts";
import type { ProgramPlan, StreamDecl } from "../../src/plan/plan.ts";
import { taskGroups } from "../../src/plan/task-groups.ts";
import { runEmbedded } from "../../src/runtime/embedded-runner.ts";
import { field, payments, rng } from "./support/plans.ts";

const logins: StreamDecl = {
  name: "logins",
  topic: "logins",
  keyField: "user",
  format: "json",
  schema: {
    fields: [
      { name: "lid", type: T.int, optional: false },
      { name: "user", type: T.string, optional: false },
      { name: "card", type: T.string, optional: false },
      { name: "ts", type: T.timestamp, optional: false },
    ],
  },
  timeField: "ts",
  latenessMs: 1_000,
};

const plan: ProgramPlan = {
  streams: [payments, logins],
  tables: [],
  params: [],
  rules: [
    {
      name: "pay_after_login",
      source: { stream: "payments", alias: "p" },
      ops: [
        {
          kind: "stream-join",
          name: "with-login",
          right: { stream: "logins", alias: "l" },
          rightKeys: [field("l", "card")],
          withinMs: 5_000,
          graceMs: 0,
          condition: null,
          joinType: "inner",
          store: { name: "pay_after_login.with-login", kind: "join-buffer" },
        },
      ],
      sink: {
        name: "sink",
        topic: "joined",
        projection: [
          { name: "id", expr: field("p", "id") },
          { name: "lid", expr: field("l", "lid") },
        ],
        outputSchema: { fields: [] },
      },
    },
  ],
};

function data(seed: number, count: number): { payments: Row[]; logins: Row[] } {
  const r = rng(seed);
  const out = { payments: [] as Row[], logins: [] as Row[] };
  for (let i = 0; i < count; i++) {
    const ts = 1_000_000 + i * 1_000 + Math.floor(r() * 800) - 400;
    const card = `c${Math.floor(r() * 4)}`;
    if (r() < 0.5) out.payments.push({ id: i, card, amount: 1, ts });
    else out.logins.push({ lid: i, user: `u${Math.floor(r() * 6)}`, card, ts });
  }
  return out;
}

test("the right side gets its own re-key group, writing channels the join's group reads", () => {
  const groups = taskGroups(plan);
  assert.deepEqual(
    groups.map((g) => [g.segments, g.topics]),
    [
      [["pay_after_login#0"], ["payments", "with-login.right-rekey-repartition"]],
      [["pay_after_login#with-login.right-rekey"], ["logins"]],
    ],
  );
  assert.equal(groups[0]!.upstream.get("with-login.right-rekey-repartition"), 1);
});

test("stream join with a re-keyed right side equals a nested-loop join, for any partition count", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 1, max: 1_000 }),
      fc.integer({ min: 1, max: 4 }),
      fc.integer({ min: 1, max: 20 }),
      async (seed, partitions, batchSize) => {
        const d = data(seed, 80);
        const expected: string[] = [];
        for (const p of d.payments) {
          for (const l of d.logins) {
            if (p["card"] === l["card"] && Math.abs((p["ts"] as number) - (l["ts"] as number)) <= 5_000)
              expected.push(`${p["id"]}-${l["lid"]}`);
          }
        }
        assert.ok(expected.length > 0);
        const r = await runEmbedded({ plan, inputs: { records: d }, partitions, batchSize });
        assert.deepEqual(r.deadLetters, []);
        assert.deepEqual(r.outputs.map((o) => `${o.value["id"]}-${o.value["lid"]}`).sort(), expected.sort());
      },
    ),
    { numRuns: 15 },
  );
});

// Runtime: a rule's assert_true that fails makes its filter throw; the record becomes one dead letter
// (operator-error, with the rule, the message and the source offset), the rule carries on, and other
// rules on the same stream still see the record. Output plus dead letters account for every input.
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { FUNCTIONS } from "../../src/core/functions.ts";
import { compileProgram } from "../../src/plan/compile.ts";
import { runEmbedded } from "../../src/runtime/embedded-runner.ts";

const RULES = `stream payments from topic "payments"
  key card
  format json
  schema { id: int, card: string, amount: float, ts: timestamp }
  event time ts

rule audit
  from payments
  where assert_true(amount >= 0, "amount must not be negative") and amount < 1000
  emit to "audited" { id }

rule all
  from payments
  emit to "seen" { id }
`;

function plan() {
  const result = compileProgram(["rules.vigil"], { readFile: () => RULES });
  assert.deepEqual(result.diagnostics, []);
  return result.plan!;
}

test("assert_true: true passes, false and null throw with the message", () => {
  const f = FUNCTIONS.get("assert_true")!;
  assert.equal(f.impl(true, "m"), true);
  assert.throws(
    () => f.impl(false, "amount must not be negative"),
    /assert_true failed: amount must not be negative/,
  );
  assert.throws(() => f.impl(null, "m"), /assert_true failed: m \(condition is null\)/);
  assert.throws(() => f.impl(false), /assert_true failed: condition is not true/);
});

test("a failed assertion dead-letters the record for that rule only, with the message", async () => {
  const rows = [
    { id: 1, card: "a", amount: 5, ts: 1000 },
    { id: 2, card: "a", amount: -3, ts: 2000 },
    { id: 3, card: "b", amount: 2000, ts: 3000 },
  ];
  const result = await runEmbedded({ plan: plan(), inputs: { records: { payments: rows } } });
  assert.deepEqual(
    result.outputs.filter((o) => o.topic === "audited").map((o) => o.value["id"]),
    [1],
  );
  assert.deepEqual(
    result.outputs.filter((o) => o.topic === "seen").map((o) => o.value["id"]),
    [1, 2, 3],
  );
  assert.equal(result.deadLetters.length, 1);
  const [dead] = result.deadLetters;
  assert.equal(dead!.reason, "operator-error");
  assert.equal(dead!.rule, "audit");
  assert.equal(dead!.origin.offset, 1);
  assert.match(dead!.message, /assert_true failed: amount must not be negative/);
});

test("property: outputs that pass plus dead letters plus records filtered out account for every input", async () => {
  const row = fc.record({
    amount: fc.integer({ min: -50, max: 1500 }),
    card: fc.constantFrom("a", "b", "c"),
  });
  await fc.assert(
    fc.asyncProperty(
      fc.array(row, { maxLength: 60 }),
      fc.integer({ min: 1, max: 3 }),
      async (rs, partitions) => {
        const rows = rs.map((r, i) => ({ id: i, ...r, ts: 1000 + i * 10 }));
        const result = await runEmbedded({
          plan: plan(),
          inputs: { records: { payments: rows } },
          partitions,
        });
        const audited = result.outputs.filter((o) => o.topic === "audited").map((o) => o.value["id"]);
        // An operator error carries the environment the stage saw: the source row under its alias.
        const dead = result.deadLetters.map((d) => JSON.parse(d.raw)["payments"]["id"]);
        const dropped = rows.filter((r) => r.amount >= 1000).map((r) => r.id);
        assert.deepEqual(
          [...audited, ...dead, ...dropped].sort((a, b) => a - b),
          rows.map((r) => r.id),
        );
        assert.deepEqual(
          dead.sort((a, b) => a - b),
          rows.filter((r) => r.amount < 0).map((r) => r.id),
        );
      },
    ),
    { numRuns: 40 },
  );
});

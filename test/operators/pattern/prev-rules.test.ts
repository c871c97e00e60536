// prev(x) from rule text to output: the checker turns `prev(amount)` into a read of the key's previous
// event, the embedded runtime matches with it, over any partition count, with out-of-order input.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Row } from "../../../src/core/value.ts";
import { compileProgram } from "../../../src/plan/compile.ts";
import { printPlan } from "../../../src/plan/print-plan.ts";
import { runEmbedded } from "../../../src/runtime/embedded-runner.ts";

const SOURCE = `
stream pay from topic "pay"
  key card
  schema { card: string, amount: float, ts: timestamp }
  event time ts, lateness 5s
rule rising
  from pay
  match up{3,} consecutive: amount > prev(amount) and amount >= 10
  within 1m
  emit to "alerts" { card, n: count(up), first: first(up).amount, last: up.amount, at: up.ts }
rule drop
  from pay as p
  match big: p.amount >= 100 -> fall: amount < prev(fall.amount) / 2
  within 1m
  emit to "drops" { card, big: big.amount, fall: fall.amount }
`;

function compile() {
  const c = compileProgram([{ path: "prev.vigil", text: SOURCE }]);
  assert.ok(c.plan, JSON.stringify(c.diagnostics.slice(0, 2)));
  return c.plan;
}

test("prev(x) compiles to a read of the $prev binding", () => {
  const text = printPlan(compile());
  assert.match(text, /\$prev\.amount/);
});

// Card a: 5, 12, 20, 30 (three rises at >= 10: 12, 20, 30), then 200, 40 (a drop below half of 200).
// Card b: 50, 40, 45, 46, 47: the rises start after 40. Arrival is shuffled within the lateness.
const rows: Row[] = [
  { card: "a", amount: 12, ts: 2000 },
  { card: "a", amount: 5, ts: 1000 },
  { card: "b", amount: 50, ts: 1000 },
  { card: "a", amount: 20, ts: 3000 },
  { card: "b", amount: 45, ts: 3000 },
  { card: "b", amount: 40, ts: 2000 },
  { card: "a", amount: 30, ts: 4000 },
  { card: "b", amount: 46, ts: 4000 },
  { card: "b", amount: 47, ts: 5000 },
  { card: "a", amount: 200, ts: 6000 },
  { card: "a", amount: 40, ts: 7000 },
];

for (const partitions of [1, 3]) {
  test(`rising runs and drops read the physically previous event (${partitions} partitions)`, async () => {
    const result = await runEmbedded({ plan: compile(), inputs: { records: { pay: rows } }, partitions });
    assert.deepEqual(result.deadLetters, []);
    const alerts = result.canonical
      .filter((o) => o.topic === "alerts")
      .map((o) => o.value)
      .sort((x, y) => String(x["card"]).localeCompare(String(y["card"])));
    assert.deepEqual(alerts, [
      { card: "a", n: 3, first: 12, last: 30, at: 4000 },
      { card: "b", n: 3, first: 45, last: 47, at: 5000 },
    ]);
    const drops = result.canonical.filter((o) => o.topic === "drops").map((o) => o.value);
    assert.deepEqual(drops, [{ card: "a", big: 200, fall: 40 }]);
  });
}

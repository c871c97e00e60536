// Tests for `vigil replay`'s scoring: alert-to-label matching by rule, key and time bound; per-rule
// precision and recall; label parsing; the summary table.
import assert from "node:assert/strict";
import { test } from "node:test";
import { sampleAlerts, summaryTable } from "../../src/cli/replay/report.ts";
import { parseLabels, ruleTimeBound, scoreAlerts } from "../../src/cli/replay/score.ts";
import type { OutputRecord } from "../../src/core/record.ts";
import type { PlanOp, RulePlan } from "../../src/plan/plan.ts";

function rule(name: string, ops: PlanOp[] = []): RulePlan {
  const schema = { fields: [] };
  return {
    name,
    source: { stream: "payments", alias: "payments" },
    ops,
    sink: { name: `${name}.sink`, topic: "alerts", projection: [], outputSchema: schema },
  };
}

const windowed = rule("velocity", [
  {
    kind: "window-aggregate",
    name: "velocity.window",
    groupBy: [],
    window: { kind: "sliding", sizeMs: 3_600_000 },
    graceMs: 60_000,
    aggregates: [],
    having: null,
    emit: "final",
    store: { name: "velocity.window", kind: "window" },
  },
]);

const alert = (r: string, key: string | null, timestamp: number, value = {}): OutputRecord => ({
  topic: "alerts",
  key,
  value,
  timestamp,
  rule: r,
});

test("the time bound of a rule is its longest window, within or join bound", () => {
  assert.equal(ruleTimeBound(rule("plain")), 0);
  assert.equal(ruleTimeBound(windowed), 3_660_000);
});

test("an alert matches a label of its rule, with its key, inside [start, end + bound]", () => {
  const labels = [
    { scenario: "velocity", key: "K1", start: 1000, end: 2000 },
    { scenario: "velocity", key: "K2", start: 1000, end: 2000 },
    { scenario: "spike", key: "K1", start: 5000, end: 5000 },
  ];
  const alerts = [
    alert("velocity", "K1", 1500), // match
    alert("velocity", "K1", 2000 + 3_660_000), // match at the edge
    alert("velocity", "K1", 2001 + 3_660_000), // too late
    alert("velocity", "K3", 1500), // wrong key
    alert("spike", null, 5000, { card_id: "K1" }), // key from the payload
    alert("spike", "K1", 4999), // before start
  ];
  const [v, s] = scoreAlerts([windowed, rule("spike")], alerts, labels);
  assert.deepEqual(v, {
    rule: "velocity",
    alerts: 4,
    truePositives: 2,
    incidents: 2,
    detected: 1,
    precision: 0.5,
    recall: 0.5,
    missed: [labels[1]],
  });
  assert.equal(s!.truePositives, 1);
  assert.equal(s!.recall, 1);
  assert.equal(s!.precision, 0.5);
});

test("no alerts or no labels give no precision or recall, not a division by zero", () => {
  const [r] = scoreAlerts([rule("quiet")], [], []);
  assert.equal(r!.precision, null);
  assert.equal(r!.recall, null);
  const table = summaryTable([r!], true).join("\n");
  assert.match(table, /quiet\s+0\s+0\s+-\s+0\s+0\s+-/);
});

test("labels: bad lines are reported and skipped", () => {
  const { labels, errors } = parseLabels(
    '{"scenario":"a","key":"k","start":1,"end":2,"event_ids":["x"]}\nnot json\n{"scenario":"a"}\n\n',
  );
  assert.equal(labels.length, 1);
  assert.equal(errors.length, 2);
  assert.match(errors[0]!, /^line 2:/);
});

test("the alert sample takes the earliest of each rule first, then sorts by time", () => {
  const alerts = [alert("a", "1", 10), alert("a", "2", 20), alert("b", "3", 30), alert("c", "4", 5)];
  assert.deepEqual(
    sampleAlerts(alerts, 3).map((a) => a.key),
    ["4", "1", "3"],
  );
  assert.equal(sampleAlerts(alerts, 10).length, 4);
});

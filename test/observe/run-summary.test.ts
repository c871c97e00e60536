// Observe tests: the replay's end-of-run metrics use the worker's metric names and labels, one line
// each, with the counts of the run.
import assert from "node:assert/strict";
import { test } from "node:test";
import { metricsSummary } from "../../src/observe/run-summary.ts";

test("the replay summary prints the run's counts under the worker's metric names", () => {
  const lines = metricsSummary(
    {
      recordsIn: 1200,
      inputsByRule: { big: 1000, late: 200 },
      outputsByRule: { big: 7 },
      deadLettersByReason: { "late-record": 2 },
      lateByRule: { late: 2 },
    },
    2,
  );
  assert.equal(lines[0], "Metrics (the names `vigil run --http` exports; 600 records in per second):");
  const byName = new Map(lines.slice(1).map((l) => l.trim().split(/\s+/) as [string, string]));
  assert.deepEqual(Object.fromEntries(byName), {
    vigil_records_in_total: "1,200",
    'vigil_rule_records_in_total{rule="big"}': "1,000",
    'vigil_rule_records_in_total{rule="late"}': "200",
    'vigil_rule_records_out_total{rule="big"}': "7",
    'vigil_dead_letters_total{reason="late-record"}': "2",
    'vigil_late_records_total{rule="late"}': "2",
  });
});

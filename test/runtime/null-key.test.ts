// Runtime: a null `partition by` value is the null key, one group for null and absent values, apart
// from the string "null", for any partition count (null keys are placed like the empty key's bytes).
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Row } from "../../src/core/value.ts";
import { compileProgram } from "../../src/plan/compile.ts";
import { runEmbedded } from "../../src/runtime/embedded-runner.ts";
import { createPartitionedLog } from "../../src/runtime/partitioned-log.ts";

const SOURCE = `
stream ev from topic "ev"
  key k
  schema { k: string, d: string?, v: int, ts: timestamp }
  event time ts, lateness 0s
rule by_device
  from ev
  partition by d
  window tumbling 10s
  aggregate count() as n
  emit final to "o" { d, n, key }
`;

const rows: Row[] = [
  { k: "a", d: null, v: 1, ts: 1000 },
  { k: "b", d: "null", v: 1, ts: 2000 },
  { k: "c", v: 1, ts: 3000 },
  { k: "d", d: "x", v: 1, ts: 4000 },
  { k: "e", d: null, v: 1, ts: 5000 },
];

for (const partitions of [1, 3]) {
  test(`partition by: null, absent and "null" are not merged (${partitions} partitions)`, async () => {
    const compiled = compileProgram([{ path: "null-key.vigil", text: SOURCE }]);
    assert.ok(compiled.plan, JSON.stringify(compiled.diagnostics.slice(0, 2)));
    const result = await runEmbedded({ plan: compiled.plan, inputs: { records: { ev: rows } }, partitions });
    assert.deepEqual(result.deadLetters, []);
    const groups = result.canonical
      .map((o) => [o.key, o.value["key"], o.value["n"]])
      .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    assert.deepEqual(groups, [
      ["null", "null", 1],
      ["x", "x", 1],
      [null, null, 3],
    ]);
  });
}

test("a given log is only read: two runs over it re-key the same records, the log keeps its topics", async () => {
  const compiled = compileProgram([{ path: "null-key.vigil", text: SOURCE }]);
  assert.ok(compiled.plan);
  const log = createPartitionedLog();
  log.createTopic("ev", 2);
  for (const r of rows) log.append("ev", String(r["k"]), JSON.stringify(r), r["ts"] as number);
  const view = (o: { key: string | null; value: Row }) => JSON.stringify([o.key, o.value]);
  const first = await runEmbedded({ plan: compiled.plan, inputs: { log } });
  const second = await runEmbedded({ plan: compiled.plan, inputs: { log } });
  assert.deepEqual(second.canonical.map(view), first.canonical.map(view));
  assert.equal(first.stats.recordsIn, second.stats.recordsIn);
  assert.deepEqual(log.topics(), ["ev"]);
});

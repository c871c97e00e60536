import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { runEmbedded } from "../../src/runtime/embedded-runner.ts";
import { createPartitionedLog } from "../../src/runtime/partitioned-log.ts";
import { partitionForKey } from "../../src/runtime/partitioner.ts";
import { filterRule, paymentRows, planOf, windowRule } from "./support/plans.ts";

const plan = planOf([filterRule(), windowRule("w", { kind: "tumbling", sizeMs: 10_000 })]);

test("the partitioned log places keyed records by murmur2 and unkeyed ones round-robin", () => {
  const log = createPartitionedLog();
  log.createTopic("t", 3);
  assert.deepEqual(log.append("t", "foobar", "a", 1), { partition: partitionForKey("foobar", 3), offset: 0 });
  assert.deepEqual(
    [0, 1, 2, 3].map(() => log.append("t", null, "x", 1).partition),
    [0, 1, 2, 0],
  );
  const p = partitionForKey("foobar", 3);
  const read = log.read("t", p, 0, 10);
  assert.equal(read[0]!.value, "a");
  assert.deepEqual(
    read.map((r) => r.offset),
    read.map((_, i) => i),
  );
  assert.deepEqual(log.read("t", p, 1, 1), read.slice(1, 2));
  assert.equal(log.endOffset("t", 0) + log.endOffset("t", 1) + log.endOffset("t", 2), 5);
  assert.throws(() => log.createTopic("t", 4), /has 3 partitions/);
});

test("JSONL files and in-memory records give the same run; bad lines become dead letters", async () => {
  const rows = paymentRows(4, 80);
  const dir = mkdtempSync(join(tmpdir(), "vigil-jsonl-"));
  try {
    const file = join(dir, "payments.jsonl");
    const lines = rows.map((r) => JSON.stringify(r));
    lines.splice(10, 0, "{broken", JSON.stringify({ id: 999, card: "c1", ts: 1_010_000 }));
    writeFileSync(file, `${lines.join("\n")}\n\n`);
    const fromFile = await runEmbedded({
      plan,
      inputs: { files: { payments: file } },
      partitions: 3,
      batchSize: 7,
    });
    const fromRecords = await runEmbedded({ plan, inputs: { records: { payments: lines } }, partitions: 3 });
    assert.deepEqual(fromFile.outputs, fromRecords.outputs);
    assert.deepEqual(fromFile.deadLetters.map((d) => d.reason).sort(), ["decode-error", "schema-mismatch"]);
    assert.equal(fromFile.stats.recordsIn, 82);
    assert.equal(fromFile.stats.inputsByRule["big"], 80);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("progress reports input records pushed after each commit, up to the input's size", async () => {
  const rows = paymentRows(5, 100);
  const seen: number[] = [];
  const r = await runEmbedded({
    plan,
    inputs: { records: { payments: rows } },
    partitions: 2,
    batchSize: 10,
    commitEvery: 25,
    onProgress: (n, p) => {
      seen.push(n);
      assert.equal(p.inputRecords, 100);
    },
  });
  assert.ok(seen.length >= 4, `progress calls: ${seen.length}`);
  assert.deepEqual(
    [...seen].sort((a, b) => a - b),
    seen,
    "monotonic",
  );
  assert.equal(seen.at(-1), 100);
  assert.equal(r.stopped, false);
});

test("byPartition places outputs by key hash; canonical is sorted by time", async () => {
  const r = await runEmbedded({ plan, inputs: { records: { payments: paymentRows(6, 60) } }, partitions: 3 });
  for (const [topic, parts] of Object.entries(r.byPartition)) {
    parts.forEach((outs, p) => {
      for (const o of outs) assert.equal(partitionForKey(o.key!, 3), p, `${topic} ${o.key}`);
    });
  }
  const times = r.canonical.map((o) => o.timestamp);
  assert.deepEqual(
    [...times].sort((a, b) => a - b),
    times,
  );
  assert.equal(r.canonical.length, r.outputs.length);
});

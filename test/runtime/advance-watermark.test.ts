import assert from "node:assert/strict";
import { test } from "node:test";
import type { Row } from "../../src/core/value.ts";
import { TASK_STORE } from "../../src/plan/internal-topics.ts";
import { createTask } from "../../src/runtime/task.ts";
import type { InputRecord } from "../../src/runtime/task-api.ts";
import { createMemoryTaskStores } from "../../src/state/memory-stores.ts";
import { planOf, windowOp, windowRule } from "./support/plans.ts";

// The payments stream has 1 s lateness; the window below is tumbling 10 s with 2 s grace.
const rec = (offset: number, id: number, ts: number): InputRecord => {
  const row: Row = { id, card: "c1", amount: 500, ts };
  return { topic: "payments", partition: 0, offset, key: "c1", value: JSON.stringify(row), timestamp: 0 };
};

function graceWindowPlan() {
  const rule = windowRule("w", { kind: "tumbling", sizeMs: 10_000 });
  return planOf([
    { ...rule, ops: [windowOp("w-win", { kind: "tumbling", sizeMs: 10_000 }, "final", 2_000)] },
  ]);
}

async function openTask(stores = createMemoryTaskStores()) {
  return createTask({
    id: "t",
    plan: graceWindowPlan(),
    stores,
    partitions: [{ topic: "payments", partition: 0 }],
  });
}

const counts = (outs: readonly { value: Row }[]) => outs.map((o) => [o.value["start"], o.value["n"]]);

test("advanceWatermark past a window's end + grace closes it with no further record", async () => {
  const t = await openTask();
  t.push([rec(0, 1, 1_000), rec(1, 2, 4_000)]);
  assert.equal(t.watermark(), 3_000);
  t.advanceWatermark(11_999);
  assert.deepEqual(t.drain().outputs, [], "end 10000 + grace 2000 not yet passed");
  assert.equal(t.watermark(), 11_999);
  t.advanceWatermark(12_000);
  assert.deepEqual(counts(t.drain().outputs), [[0, 2]]);
  assert.equal(t.stats().pendingTimers, 0);
  // The watermark is now a promise: a record behind the closed window is late.
  t.push([rec(2, 3, 9_000)]);
  assert.deepEqual(
    t.drain().deadLetters.map((d) => d.reason),
    ["late-record"],
  );
});

test("advancing backwards (or to the current watermark) changes nothing", async () => {
  const t = await openTask();
  t.push([rec(0, 1, 1_000), rec(1, 2, 8_000)]);
  const before = t.watermark();
  assert.equal(before, 7_000);
  t.advanceWatermark(5_000);
  t.advanceWatermark(before);
  assert.equal(t.watermark(), before);
  assert.deepEqual(t.drain().outputs, []);
  assert.equal(t.stats().pendingTimers, 1);
  // A later record still moves event time as usual: 13000 - 1000 passes end + grace.
  t.push([rec(2, 3, 13_000)]);
  assert.deepEqual(counts(t.drain().outputs), [[0, 2]]);
});

test("an advanced watermark is persisted like any other: a restarted task resumes from it", async () => {
  const stores = createMemoryTaskStores();
  const a = await openTask(stores);
  a.push([rec(0, 1, 1_000)]);
  a.advanceWatermark(20_000);
  assert.deepEqual(counts(a.drain().outputs), [[0, 1]]);
  assert.equal((stores.store(TASK_STORE).get("watermarks") as { watermark: number }).watermark, 20_000);
  await a.commit();
  await a.close();
  const b = await openTask(stores);
  assert.equal(b.watermark(), 20_000);
  b.push([rec(1, 2, 5_000)]);
  assert.deepEqual(
    b.drain().deadLetters.map((d) => d.reason),
    ["late-record"],
    "the window of 5000 closed before the restart",
  );
});

// Event time: when a live stream partition counts as idle (src/time/idle-inputs.ts) and what the
// task does with the decision (declareIdle): caught up, quiet for `idle after`, nothing left in the
// merge; the watermark rises to wall clock - lateness, never back, and the decision is in `$task`.
import assert from "node:assert/strict";
import { test } from "node:test";
import { compileProgram } from "../../src/plan/compile.ts";
import { createTask } from "../../src/runtime/task.ts";
import { createMemoryTaskStores } from "../../src/state/memory-stores.ts";
import { createIdleDetector } from "../../src/time/idle-inputs.ts";

test("the detector: caught up and quiet for idle after; again only after another idle after", () => {
  const d = createIdleDetector(
    [
      { id: "a/0", idleAfterMs: 1_000 },
      { id: "b/0", idleAfterMs: 1_000 },
      { id: "c/0", idleAfterMs: Number.POSITIVE_INFINITY },
    ],
    0,
    new Set(["a/0"]),
  );
  assert.deepEqual(d.due(999), []);
  assert.deepEqual(d.due(1_000), ["a/0"], "b/0 was not caught up at open");
  assert.deepEqual(d.due(1_100), ["a/0"], "due until decided");
  d.decided("a/0", 1_100);
  assert.deepEqual(d.due(2_000), []);
  assert.deepEqual(d.due(2_100), ["a/0"]);
  d.setCaughtUp("b/0", true);
  d.sawData("b/0", 2_000);
  assert.deepEqual(d.due(2_999), ["a/0"]);
  assert.deepEqual(d.due(3_000), ["a/0", "b/0"]);
});

test("declareIdle: the watermark rises to now - lateness once nothing waits in the merge, and is recorded", async () => {
  const text = `stream ev from topic "ev"
  key k
  schema { k: string, ts: timestamp }
  event time ts, lateness 1s
stream other from topic "other"
  key k
  schema { k: string, ts: timestamp }
  event time ts
rule counts
  from ev
  window tumbling 10s
  aggregate count() as n
  emit final to "counts" { k, n }`;
  const plan = compileProgram([{ path: "idle.vigil", text }]).plan!;
  const stores = createMemoryTaskStores();
  const task = await createTask({
    id: "0_0",
    plan,
    stores,
    partitions: [
      { topic: "ev", partition: 0 },
      { topic: "other", partition: 0 },
    ],
  });
  const rec = (topic: string, offset: number, ts: number) => ({
    topic,
    partition: 0,
    offset,
    key: "a",
    value: JSON.stringify({ k: "a", ts }),
    timestamp: ts,
  });
  task.push([rec("ev", 0, 5_000)]);
  // The ev record waits in the merge for `other`: ev is not idle, whatever the wall clock says.
  assert.equal(task.declareIdleNow("ev", 0, 100_000), false);
  task.push([rec("other", 0, 6_000)]);
  // ev's record went out; `other` (no lateness) now holds the watermark; ev goes idle.
  assert.equal(task.declareIdleNow("ev", 0, 100_000), true);
  assert.deepEqual(stores.store("$task").get("idle:ev/0"), { wallClock: 100_000, from: 4_000, to: 99_000 });
  assert.equal(task.declareIdleNow("ev", 0, 50_000), false, "never back");
  // `other`'s record waits for ev (the merge has no wall clock here): not idle either.
  assert.equal(task.declareIdleNow("other", 0, 200_000), false);
  task.endOfPartition("other", 0);
  task.push([rec("ev", 1, 100_000)]); // not late: the idle watermark is 99 s
  assert.equal(task.watermark(), 99_000);
  assert.deepEqual(
    task.drain().outputs.map((o) => o.value),
    [{ k: "a", n: 1 }],
  );
  assert.throws(() => task.declareIdleNow("nope", 0, 1), /only a stream partition can be idle/);
});

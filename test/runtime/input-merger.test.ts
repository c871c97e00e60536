import assert from "node:assert/strict";
import { test } from "node:test";
import { createInputMerger, type PendingRecord } from "../../src/runtime/input-merger.ts";

const rec = (topic: string, partition: number, offset: number, eventTime: number): PendingRecord<null> => ({
  input: { topic, partition, offset, key: null, value: "", timestamp: 0 },
  eventTime,
  payload: null,
});
const inputs = [
  { topic: "t", partition: 0, order: 1 },
  { topic: "t", partition: 1, order: 1 },
  { topic: "tab", partition: 0, order: 0 },
];
const drain = (m: ReturnType<typeof createInputMerger<null>>) => {
  const out: string[] = [];
  for (let r = m.next(); r; r = m.next()) out.push(`${r.input.topic}/${r.input.partition}@${r.input.offset}`);
  return out;
};

test("ties break by topic order, then partition, then offset", () => {
  const m = createInputMerger<null>(inputs);
  m.push(rec("t", 1, 0, 5));
  m.push(rec("t", 0, 0, 5));
  m.push(rec("t", 0, 1, 5));
  m.push(rec("tab", 0, 0, 5));
  for (const i of inputs) m.end(`${i.topic}/${i.partition}`);
  assert.deepEqual(drain(m), ["tab/0@0", "t/0@0", "t/0@1", "t/1@0"]);
});

test("an empty partition blocks the merge until it has data or ends; duplicates are skipped", () => {
  const m = createInputMerger<null>(inputs);
  m.push(rec("t", 0, 0, 1));
  m.push(rec("tab", 0, 0, 0));
  assert.deepEqual(drain(m), []);
  m.push(rec("t", 1, 0, 2));
  assert.deepEqual(drain(m), ["tab/0@0"]); // tab/0 is now empty: blocks again
  m.end("tab/0");
  m.push(rec("t", 0, 0, 1)); // re-delivered: skipped
  assert.deepEqual(drain(m), ["t/0@0"]); // then t/0 is empty: blocks
  m.end("t/0");
  assert.deepEqual(drain(m), ["t/1@0"]);
  assert.deepEqual(m.positions(), { "t/0": 1, "t/1": 1, "tab/0": 1 });
  assert.deepEqual([...m.drainedEnded()].sort(), ["t/0", "tab/0"]);
});

test("reset drops the buffer and resumes from the given positions", () => {
  const m = createInputMerger<null>(inputs.slice(0, 1));
  m.push(rec("t", 0, 0, 1));
  m.push(rec("t", 0, 1, 2));
  m.reset({ "t/0": 1 });
  assert.equal(m.buffered(), 0);
  m.push(rec("t", 0, 0, 1)); // below the position: skipped
  m.push(rec("t", 0, 1, 2));
  assert.deepEqual(drain(m), ["t/0@1"]);
});

test("wall-clock idleness (Kafka worker): an input empty for longer than idleMs stops blocking", () => {
  let now = 0;
  const m = createInputMerger<null>(inputs.slice(0, 2), { now: () => now, idleMs: 100 });
  m.push(rec("t", 0, 0, 1));
  assert.deepEqual(drain(m), []);
  now = 100;
  assert.deepEqual(drain(m), [], "not longer than idleMs yet");
  now = 101;
  assert.deepEqual(drain(m), ["t/0@0"]);
});

test("a partition with a known backlog is not idle until it is pushed that far, or the backlog is dropped, or the wait bound passes", () => {
  let now = 0;
  const backlog = new Map([["tab/0", 2]]);
  const pair = [inputs[0]!, inputs[2]!];
  const m = createInputMerger<null>(pair, { now: () => now, idleMs: 100, backlog, backlogWaitMs: 10_000 });
  m.push(rec("t", 0, 0, 5));
  now = 1_000; // far past idleMs: without the backlog the stream record would go now
  assert.deepEqual(drain(m), []);
  m.push(rec("tab", 0, 0, 1)); // one of the two table records
  assert.deepEqual(drain(m), ["tab/0@0"]);
  now = 2_000;
  assert.deepEqual(drain(m), [], "still one table record to come");
  m.push(rec("tab", 0, 1, 2));
  now = 3_000;
  assert.deepEqual(drain(m), ["tab/0@1"], "the table is read first");
  now += 200;
  assert.deepEqual(drain(m), ["t/0@0"], "then it is idle after idleMs, as before");

  // A backlog the reader drops (its position passed the end, transaction markers included) ends the wait.
  const b2 = new Map([["tab/0", 5]]);
  const m2 = createInputMerger<null>(pair, {
    now: () => now,
    idleMs: 100,
    backlog: b2,
    backlogWaitMs: 10_000,
  });
  m2.push(rec("t", 0, 0, 5));
  now += 1_000;
  assert.deepEqual(drain(m2), []);
  b2.delete("tab/0");
  assert.deepEqual(drain(m2), ["t/0@0"]);

  // The bound: after backlogWaitMs the partition may count as idle again.
  const m3 = createInputMerger<null>(pair, {
    now: () => now,
    idleMs: 100,
    backlog: new Map([["tab/0", 5]]),
    backlogWaitMs: 10_000,
  });
  m3.push(rec("t", 0, 0, 5));
  now += 5_000;
  assert.deepEqual(drain(m3), []);
  now += 6_000;
  assert.deepEqual(drain(m3), ["t/0@0"]);
});

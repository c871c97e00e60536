// Runtime: watermarks that travel over repartition channels. Records carry their upstream task's
// watermark, watermark-only records tell a channel about progress when no record goes its way, and
// a downstream task's watermark is the least carried one: never `max ts - lateness` of a channel.
import assert from "node:assert/strict";
import { test } from "node:test";
import { compileProgram } from "../../src/plan/compile.ts";
import type { ProgramPlan } from "../../src/plan/plan.ts";
import { taskGroups } from "../../src/plan/task-groups.ts";
import { createInputMerger } from "../../src/runtime/input-merger.ts";
import {
  parseRepartition,
  serializeRepartition,
  serializeWatermark,
} from "../../src/runtime/repartition-serde.ts";
import { createTask } from "../../src/runtime/task.ts";
import type { InputRecord } from "../../src/runtime/task-api.ts";
import { createMemoryTaskStores } from "../../src/state/memory-stores.ts";

const SOURCE = `
stream ev from topic "ev"
  key k
  schema { k: string, g: string, v: int, ts: timestamp }
  event time ts, lateness 1s
rule regrouped
  from ev
  partition by g
  window tumbling 10s
  aggregate count() as n
  emit final to "counts" { g, n }
`;

function plan(): ProgramPlan {
  const r = compileProgram([{ path: "carried.vigil", text: SOURCE }]);
  assert.ok(r.plan, JSON.stringify(r.diagnostics.slice(0, 2)));
  return r.plan;
}

const ev = (offset: number, ts: number, g = "a"): InputRecord => ({
  topic: "ev",
  partition: 0,
  offset,
  key: `k${offset}`,
  value: JSON.stringify({ k: `k${offset}`, g, v: 1, ts }),
  timestamp: ts,
});

test("the repartition format: records carry a watermark, watermark-only records carry nothing else", () => {
  const data = serializeRepartition({
    topic: "t",
    key: "a",
    value: { env: { x: 1 }, origin: { topic: "ev", partition: 0, offset: 3 }, wm: 41 },
    timestamp: 42,
    rule: "r",
  });
  assert.deepEqual(parseRepartition(data), {
    kind: "data",
    env: { x: 1 },
    origin: { topic: "ev", partition: 0, offset: 3 },
    wm: 41,
  });
  assert.deepEqual(parseRepartition(serializeWatermark(7_000)), { kind: "watermark", wm: 7_000 });
  // A record of an older version (no wm) is still read; the channel then falls back to max ts - lateness.
  assert.equal(parseRepartition('{"env":{},"origin":{"topic":"a","partition":0,"offset":0}}').kind, "data");
  assert.throws(() => parseRepartition('{"x":1}'), /not a repartition record/);
});

test("an upstream task stamps each re-keyed record with its watermark and tells its channels when it moves", async () => {
  const p = plan();
  const [up] = taskGroups(p);
  const task = await createTask({
    id: "0_0",
    plan: p,
    stores: createMemoryTaskStores(),
    partitions: [{ topic: "ev", partition: 0 }],
    segments: up!.segments,
    watermarkInterval: 5_000,
  });
  task.push([ev(0, 10_000), ev(1, 12_000), ev(2, 20_000)]);
  const out = task.drain();
  // Each record carries the watermark it was processed at (the one before it): -inf (absent), 9s, 11s.
  assert.deepEqual(
    out.repartitions.map((r) => r.value["wm"]),
    [undefined, 9_000, 11_000],
  );
  // The watermark went 9s -> 11s -> 19s: multiples of 5s crossed at 9s (first), 11s and 19s.
  assert.deepEqual(
    out.watermarks.map((w) => w.watermark),
    [9_000, 11_000, 19_000],
  );
  task.push([ev(3, 20_500)]); // 19.5s: no new multiple of 5s
  assert.deepEqual(task.drain().watermarks, []);
});

test("a downstream task: its watermark is the least carried one; watermark-only records reach no operator", async () => {
  const p = plan();
  const down = taskGroups(p)[1]!;
  const topic = down.topics[0]!;
  const channel = (partition: number, offset: number, value: string, timestamp: number): InputRecord => ({
    topic,
    partition,
    offset,
    key: offset === -1 ? null : "a",
    value,
    timestamp,
  });
  const env = (ts: number, wm: number) =>
    serializeRepartition({
      topic,
      key: "a",
      value: {
        env: { ev: { k: "k", g: "a", v: 1, ts } },
        origin: { topic: "ev", partition: 0, offset: 0 },
        wm,
      },
      timestamp: ts,
      rule: "regrouped",
    });
  const task = await createTask({
    id: "1_0",
    plan: p,
    stores: createMemoryTaskStores(),
    partitions: [
      { topic, partition: 0 },
      { topic, partition: 1 },
    ],
    segments: down.segments,
  });
  // A record at 30s that carried 2s: the channel's watermark is 2s, not 30s - 1s.
  task.push([channel(0, 0, env(30_000, 2_000), 30_000)]);
  task.push([channel(1, 0, serializeWatermark(25_000), 25_000)]);
  // Released: only channel 1's watermark (the record at 30s waits until channel 1 has more).
  assert.equal(task.watermark(), Number.NEGATIVE_INFINITY);
  task.push([channel(1, 1, serializeWatermark(28_000), 28_000)]);
  task.push([channel(1, 2, serializeWatermark(40_000), 40_000)]);
  assert.equal(task.watermark(), 2_000);
  assert.equal(task.stats().recordsIn, 1);
  // The quiet channel moves on by a watermark-only record alone; the windows close on it.
  task.push([
    channel(0, 1, serializeWatermark(45_000), 45_000),
    channel(1, 3, serializeWatermark(45_000), 45_000),
  ]);
  task.push([
    channel(0, 2, serializeWatermark(46_000), 46_000),
    channel(1, 4, serializeWatermark(46_000), 46_000),
  ]);
  assert.equal(task.watermark(), 45_000);
  const out = task.drain();
  assert.deepEqual(
    out.outputs.map((o) => o.value),
    [{ g: "a", n: 1 }],
  );
  assert.equal(task.stats().recordsIn, 1, "watermark-only records are not input records");
});

test("the merge never skips a channel that carries watermarks, however long it is quiet", () => {
  let now = 0;
  const merger = createInputMerger<number>(
    [
      { topic: "ev", partition: 0, order: 0 },
      { topic: "rep", partition: 0, order: 1 },
    ],
    { now: () => now, idleMs: 10, neverIdle: new Set(["rep/0"]) },
  );
  merger.push({
    input: { topic: "ev", partition: 0, offset: 0, key: null, value: "", timestamp: 5 },
    eventTime: 5,
    payload: 1,
  });
  now = 1_000_000;
  assert.equal(merger.next(), undefined);
  merger.push({
    input: { topic: "rep", partition: 0, offset: 0, key: null, value: "", timestamp: 9 },
    eventTime: 9,
    payload: 2,
  });
  assert.equal(merger.next()?.payload, 1);
});

import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { createMemoryTaskStores } from "../../src/state/memory-stores.ts";
import { createTaskTimers, type DueTimer, encodeTimerTime } from "../../src/time/timer-service.ts";

test("timer times encode so that string order is numeric order", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: -(2 ** 52), max: 2 ** 52 - 1 }),
      fc.integer({ min: -(2 ** 52), max: 2 ** 52 - 1 }),
      (a, b) => {
        const [x, y] = [encodeTimerTime(a), encodeTimerTime(b)];
        assert.equal(Math.sign(a - b), x < y ? -1 : x > y ? 1 : 0);
      },
    ),
  );
});

test("due timers fire in (time, operator, key) order, once, and only up to the watermark", () => {
  const stores = createMemoryTaskStores();
  const timers = createTaskTimers(stores.store("$timers"));
  const a = timers.forOperator("r.a");
  const b = timers.forOperator("r.b");
  b.register(20, "k1");
  a.register(20, "k2");
  a.register(10, "z");
  a.register(10, "a");
  a.register(10, "a"); // idempotent
  a.register(30, "late");
  a.register(40, "gone");
  a.cancel(40, "gone");
  const fired: DueTimer[] = [];
  assert.equal(
    timers.fireDue(25, (t) => fired.push(t)),
    4,
  );
  assert.deepEqual(
    fired.map((t) => `${t.time}:${t.operator}:${t.key}`),
    ["10:r.a:a", "10:r.a:z", "20:r.a:k2", "20:r.b:k1"],
  );
  assert.equal(
    timers.fireDue(25, () => assert.fail("nothing more is due")),
    0,
  );
  assert.equal(timers.size(), 1);
  fired.length = 0;
  timers.fireDue(Number.POSITIVE_INFINITY, (t) => fired.push(t));
  assert.deepEqual(
    fired.map((t) => t.key),
    ["late"],
  );
});

test("a timer registered while firing that is already due fires in the same call", () => {
  const stores = createMemoryTaskStores();
  const timers = createTaskTimers(stores.store("$timers"));
  const op = timers.forOperator("r.op");
  op.register(5, "first");
  const seen: string[] = [];
  timers.fireDue(10, (t) => {
    seen.push(t.key);
    if (t.key === "first") op.register(7, "chained");
  });
  assert.deepEqual(seen, ["first", "chained"]);
});

test("negative and fractional times, keys with any characters", () => {
  const stores = createMemoryTaskStores();
  const timers = createTaskTimers(stores.store("$timers"));
  const op = timers.forOperator("r.op");
  op.register(-5, "neg\u0001key");
  op.register(3, '["a",1]');
  const seen: DueTimer[] = [];
  timers.fireDue(0, (t) => seen.push(t));
  assert.deepEqual(seen, [{ time: -5, operator: "r.op", key: "neg\u0001key" }]);
  timers.fireDue(3, (t) => seen.push(t));
  assert.equal(seen[1]?.key, '["a",1]');
});

test("timers survive commit and vanish on rollback like any state", async () => {
  const stores = createMemoryTaskStores();
  await stores.open();
  const timers = createTaskTimers(stores.store("$timers"));
  timers.forOperator("r.op").register(10, "kept");
  timers.flush(); // write-behind: the store sees timers once flushed
  await stores.commit({ inputOffsets: {}, changelogOffsets: {}, meta: {} });
  timers.forOperator("r.op").register(11, "dropped");
  stores.rollback();
  timers.invalidate();
  const seen: string[] = [];
  timers.fireDue(100, (t) => seen.push(t.key));
  assert.deepEqual(seen, ["kept"]);
});

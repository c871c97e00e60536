// Tests for time-keyed state keys: the time encoding preserves order and round-trips, window scans
// see one key's entries in time order and nothing else, the time index returns exactly what expired.
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { createMemoryTaskStores } from "../../src/state/memory-stores.ts";
import {
  decodeTime,
  encodeTime,
  parseTimeIndexKey,
  parseWindowKey,
  scanWindows,
  TIME_WIDTH,
  TimeIndex,
  timeIndexKey,
  windowKey,
} from "../../src/state/window-keys.ts";

const anyTime = fc.oneof(
  fc.integer({ min: -1e13, max: 1e13 }),
  fc.maxSafeInteger(),
  fc.constantFrom(0, -0, -1, 1, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER),
);
const anyKey = fc.string({ unit: fc.constantFrom("a", "b", "\u0000", "0", "1", "2", "é", "😀") });

test("encodeTime: fixed width, known values", () => {
  assert.equal(encodeTime(0), "100000000000000");
  assert.equal(encodeTime(255), "1000000000000ff");
  assert.equal(encodeTime(-1), "01fffffffffffff");
  assert.equal(encodeTime(Number.MIN_SAFE_INTEGER), "000000000000001");
  assert.equal(encodeTime(-0), encodeTime(0));
  for (const bad of [0.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53]) {
    assert.throws(() => encodeTime(bad), RangeError);
  }
  assert.throws(() => decodeTime("2000"), RangeError);
});

test("encodeTime preserves order and round-trips (property)", () => {
  fc.assert(
    fc.property(anyTime, anyTime, (a, b) => {
      const ea = encodeTime(a);
      assert.equal(ea.length, TIME_WIDTH);
      assert.equal(decodeTime(ea), a === 0 ? 0 : a);
      const eb = encodeTime(b);
      assert.equal(a < b ? -1 : a > b ? 1 : 0, ea < eb ? -1 : ea > eb ? 1 : 0);
    }),
    { numRuns: 2000 },
  );
});

test("window keys and time index keys round-trip and sort by (key, time) / (time, key)", () => {
  fc.assert(
    fc.property(anyKey, anyTime, anyKey, anyTime, (k1, t1, k2, t2) => {
      assert.deepEqual(parseWindowKey(windowKey(k1, t1)), { key: k1, time: t1 === 0 ? 0 : t1 });
      assert.deepEqual(parseTimeIndexKey(timeIndexKey(t1, k1)), { time: t1 === 0 ? 0 : t1, key: k1 });
      if (t1 !== t2) {
        assert.equal(windowKey(k1, t1) < windowKey(k1, t2), t1 < t2);
        assert.equal(timeIndexKey(t1, k1) < timeIndexKey(t2, k2), t1 < t2);
      }
    }),
    { numRuns: 1000 },
  );
});

test("scanWindows: one key's entries in time order, bounds half-open, no entries of other keys", () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(anyKey, fc.integer({ min: -50, max: 50 })), { maxLength: 40 }),
      anyKey,
      fc.integer({ min: -60, max: 60 }),
      fc.integer({ min: -60, max: 60 }),
      (entries, key, from, to) => {
        const store = createMemoryTaskStores().store("w");
        const model = new Map<string, Map<number, number>>();
        entries.forEach(([k, time], i) => {
          store.put(windowKey(k, time), i);
          if (!model.has(k)) model.set(k, new Map());
          model.get(k)!.set(time, i);
        });
        const expected = [...(model.get(key) ?? new Map<number, number>())]
          .filter(([time]) => time >= from && time < to)
          .sort((a, b) => a[0] - b[0]);
        assert.deepEqual([...scanWindows(store, key, from, to)], expected);
        const everything = [...(model.get(key) ?? new Map<number, number>())].sort((a, b) => a[0] - b[0]);
        assert.deepEqual([...scanWindows(store, key)], everything);
      },
    ),
    { numRuns: 300 },
  );
});

test("scanWindows accepts fractional and huge bounds", () => {
  const store = createMemoryTaskStores().store("w");
  for (const time of [1, 2, 3]) store.put(windowKey("k", time), time);
  assert.deepEqual([...scanWindows(store, "k", 1.5, 2.5)], [[2, 2]]);
  assert.deepEqual([...scanWindows(store, "k", -1e300, 1e300)].length, 3);
});

test("TimeIndex.takeBefore returns and removes exactly the entries with time < bound (property)", () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.integer({ min: -20, max: 20 }), anyKey), { maxLength: 40 }),
      fc.array(fc.integer({ min: -25, max: 25 }), { maxLength: 5 }),
      (adds, bounds) => {
        const ix = new TimeIndex(createMemoryTaskStores().store("ix"));
        const model = new Map<string, { time: number; key: string }>();
        for (const [time, key] of adds) {
          ix.add(time, key);
          model.set(`${time}|${key}`, { time, key });
        }
        for (const bound of bounds) {
          const expected = [...model.values()]
            .filter((e) => e.time < bound)
            .sort((a, b) => a.time - b.time || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
          assert.deepEqual(ix.takeBefore(bound), expected);
          for (const e of expected) model.delete(`${e.time}|${e.key}`);
          assert.equal(ix.store.size(), model.size);
          const times = [...model.values()].map((e) => e.time);
          assert.equal(ix.earliest(), times.length === 0 ? undefined : Math.min(...times));
        }
      },
    ),
    { numRuns: 300 },
  );
});

test("TimeIndex.remove drops one entry", () => {
  const ix = new TimeIndex(createMemoryTaskStores().store("ix"));
  ix.add(5, "a");
  ix.add(5, "b");
  ix.remove(5, "a");
  assert.deepEqual(ix.takeBefore(Number.POSITIVE_INFINITY), [{ time: 5, key: "b" }]);
  assert.deepEqual(ix.takeBefore(Number.POSITIVE_INFINITY), []);
});

// The cached RocksDB stores' contract: reads come from memory only, what was not prefetched faults
// (never a guessed answer), scopes make scans exact, eviction keeps the budget, restores stream to disk.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Value } from "../../src/core/value.ts";
import { createCachedRocksDbStores } from "../../src/state/cached-rocksdb-stores.ts";
import { StateMissError } from "../../src/state/state-errors.ts";
import { StateNeeds } from "../../src/state/state-needs.ts";
import type { Checkpoint } from "../../src/state/store.ts";
import { tempDir } from "./temp-dir.ts";

const cp = (n: number): Checkpoint => ({ inputOffsets: { "t/0": n }, changelogOffsets: {}, meta: {} });
const keys = (store: string, ...ks: string[]) => {
  const needs = new StateNeeds();
  for (const k of ks) needs.key(store, k);
  return needs;
};
const scope = (store: string, s: string) => {
  const needs = new StateNeeds();
  needs.scope(store, s);
  return needs;
};

/** Writes `entries` to store "s" of a fresh folder and commits them at offset `n`. */
async function writeCommitted(dir: string, entries: Record<string, Value>, n: number): Promise<void> {
  const a = createCachedRocksDbStores(dir, { cacheBytes: 1 << 20 });
  await a.open();
  for (const [k, v] of Object.entries(entries)) a.store("s").put(k, v);
  await a.commit(cp(n));
  await a.close();
}

test("a reopened folder answers only what was prefetched; the rest faults with StateMissError", async (t) => {
  const dir = await tempDir(t);
  await writeCommitted(dir, { k1: { v: 1 }, k2: { v: 2 } }, 2);
  const b = createCachedRocksDbStores(dir, { cacheBytes: 1 << 20 });
  assert.deepEqual(await b.open(), cp(2));
  assert.throws(() => b.store("s").get("k1"), StateMissError);
  await b.prefetch(keys("s", "k1", "nope"));
  assert.deepEqual(b.store("s").get("k1"), { v: 1 });
  assert.equal(b.store("s").get("nope"), undefined, "prefetched and absent: known absent");
  assert.throws(() => b.store("s").get("k2"), StateMissError);
  const stats = b.cacheStats();
  assert.equal(stats.faults, 2);
  assert.equal(stats.misses, 2);
  // A faulted key is loaded by the next prefetch, whatever it asks for.
  await b.prefetch(new StateNeeds());
  assert.deepEqual(b.store("s").get("k2"), { v: 2 });
  await b.close();
});

test("a prefetched scope makes prefix and range scans exact, with the overlay merged in", async (t) => {
  const dir = await tempDir(t);
  const a = createCachedRocksDbStores(dir, { cacheBytes: 1 << 20 });
  await a.open();
  for (const k of ["2:ab|1", "2:ab|2", "2:ab|3", "2:ac|1", "1:a|9"]) a.store("s").put(k, k);
  await a.commit(cp(1));
  await a.close();
  const b = createCachedRocksDbStores(dir, { cacheBytes: 1 << 20 });
  await b.open();
  assert.throws(() => [...b.store("s").prefix("2:ab|")], StateMissError);
  await b.prefetch(scope("s", "2:ab|"));
  b.store("s").delete("2:ab|2");
  b.store("s").put("2:ab|4", "new");
  assert.deepEqual(
    [...b.store("s").prefix("2:ab|")].map(([k]) => k),
    ["2:ab|1", "2:ab|3", "2:ab|4"],
  );
  assert.deepEqual(
    [...b.store("s").range("2:ab|2", "2:ab|9")].map(([k]) => k),
    ["2:ab|3", "2:ab|4"],
  );
  assert.equal(b.store("s").get("2:ab|7"), undefined, "inside a complete scope: known absent");
  assert.throws(() => b.store("s").get("2:ac|1"), StateMissError, "another scope was not prefetched");
  await b.close();
});

test("commits evict the least recently used clean entries down to the budget; values survive on disk", async (t) => {
  const dir = await tempDir(t);
  const s = createCachedRocksDbStores(dir, { cacheBytes: 20_000 });
  await s.open();
  for (let i = 0; i < 2_000; i++) {
    s.store("s").put(`k${i}`, { i, pad: "x".repeat(40) });
    if (i % 100 === 99) await s.commit(cp(i));
  }
  const stats = s.cacheStats();
  assert.ok(stats.bytes <= 20_000, `${stats.bytes} bytes cached`);
  assert.ok(stats.evictions > 1_500, `${stats.evictions} evictions`);
  assert.throws(() => s.store("s").get("k0"), StateMissError, "the oldest entry was evicted");
  assert.deepEqual(s.store("s").get("k1999"), { i: 1999, pad: "x".repeat(40) }, "the newest is cached");
  await s.prefetch(keys("s", "k0", "k1000"));
  assert.equal((s.store("s").get("k1000") as { i: number }).i, 1000);
  await s.close();
});

test("a rollback drops the overlay; the committed value is read back from the cache or the disk", async (t) => {
  const dir = await tempDir(t);
  const s = createCachedRocksDbStores(dir, { cacheBytes: 1 << 20 });
  await s.open();
  s.store("s").put("k", 1);
  await s.commit(cp(1));
  s.store("s").put("k", 2);
  s.store("s").put("other", 3);
  assert.equal(s.store("s").get("k"), 2);
  s.rollback();
  assert.equal(s.store("s").get("k"), 1);
  assert.deepEqual(s.pendingChanges(), []);
  await s.close();
});

test("a restore streams into RocksDB: flushed changes leave memory and come back by prefetch", async (t) => {
  const dir = await tempDir(t);
  const s = createCachedRocksDbStores(dir, { cacheBytes: 1 << 20 });
  await s.open();
  const changes = Array.from({ length: 5_000 }, (_, i) => ({ store: "s", key: `k${i}`, value: i }));
  s.applyRestored(changes);
  s.applyRestored([{ store: "s", key: "k7", value: null }]);
  assert.equal(s.restoredPending(), 5_000);
  await s.flushRestored();
  assert.equal(s.restoredPending(), 0);
  await s.prefetch(keys("s", "k6", "k7", "k4999"));
  assert.equal(s.store("s").get("k6"), 6);
  assert.equal(s.store("s").get("k7"), undefined, "the restored delete");
  assert.equal(s.store("s").get("k4999"), 4999);
  await s.commit(cp(9));
  await s.close();
  const again = createCachedRocksDbStores(dir, { cacheBytes: 1 << 20 });
  assert.deepEqual(await again.open(), cp(9));
  await again.prefetch(keys("s", "k4998"));
  assert.equal(again.store("s").get("k4998"), 4998);
  await again.close();
});

test("pinned stores load whole at open and are never evicted", async (t) => {
  const dir = await tempDir(t);
  const a = createCachedRocksDbStores(dir, { cacheBytes: 1_000, pinned: ["$timers"] });
  await a.open();
  for (let i = 0; i < 500; i++) a.store("$timers").put(`t${i}`, 1);
  await a.commit(cp(1));
  await a.close();
  const b = createCachedRocksDbStores(dir, { cacheBytes: 1_000, pinned: ["$timers"] });
  await b.open();
  assert.equal([...b.store("$timers").entries()].length, 500);
  assert.equal(b.store("$timers").get("t499"), 1);
  assert.equal(b.store("$timers").get("absent"), undefined);
  await b.close();
});

test("a guarded scope is scanned only when its guard exists; an absent guard makes it known empty with no scan", async (t) => {
  const dir = await tempDir(t);
  const a = createCachedRocksDbStores(dir, { cacheBytes: 1 << 20 });
  await a.open();
  a.store("s").put("A|n", { state: 1 });
  a.store("s").put("A|e1", { ev: 1 });
  await a.commit(cp(1));
  await a.close();

  const b = createCachedRocksDbStores(dir, { cacheBytes: 1 << 20 });
  await b.open();
  const needs = new StateNeeds();
  needs.guardedScope("s", "A|", "A|n");
  needs.guardedScope("s", "B|", "B|n");
  assert.equal(b.holds(needs), false, "nothing read yet");
  await b.prefetch(needs);
  assert.equal(b.cacheStats().misses, 3, "two guards in one multi-get, one scan (A's)");
  assert.deepEqual(b.store("s").get("A|e1"), { ev: 1 });
  assert.equal(b.store("s").get("B|e1"), undefined, "B's guard is absent: B is known empty");
  assert.equal(b.holds(needs), true);
  assert.equal(b.cacheStats().faults, 0);
  await b.close();
});

test("a key deleted, written again and deleted again in one commit is gone from disk, though the cache was over budget between steps", async (t) => {
  const dir = await tempDir(t);
  await writeCommitted(dir, { "A|n": { state: 1 }, "A|e1": { ev: 1 } }, 1);
  const b = createCachedRocksDbStores(dir, { cacheBytes: 1 }); // every clean entry is over budget
  await b.open();
  const needs = new StateNeeds();
  needs.guardedScope("s", "A|", "A|n");
  await b.prefetch(needs);
  const s = b.store("s");
  s.delete("A|e1");
  s.delete("A|n"); // the key's state ends: its guard is deleted last
  b.trim(); // between two steps of the commit
  await b.prefetch(needs); // the deleted guard makes the scope known empty, with no scan
  s.put("A|e1", { ev: 2 });
  s.put("A|n", { state: 2 }); // a new state starts in the same commit, and ends in it too
  s.delete("A|e1");
  s.delete("A|n");
  await b.commit(cp(2));
  await b.close();

  const c = createCachedRocksDbStores(dir, { cacheBytes: 1 << 20 });
  await c.open();
  await c.prefetch(scope("s", "A|"));
  assert.deepEqual([...c.store("s").prefix("A|")], [], "the committed entries were deleted on disk");
  await c.close();
});

test("a guard that names its scope's entries has them read by name; one that names none has its scope scanned", async (t) => {
  const dir = await tempDir(t);
  await writeCommitted(
    dir,
    {
      "A|n": { names: ["A|e1"] },
      "A|e1": { ev: 1 },
      "A|z": { unnamed: true }, // not named by A's guard: a read by name does not see it
      "B|n": { names: null },
      "B|e1": { ev: 2 },
    },
    1,
  );
  const b = createCachedRocksDbStores(dir, { cacheBytes: 1 << 20 });
  await b.open();
  const named = (_scope: string, guard: Value) => {
    const names = (guard as { names: string[] | null }).names;
    return names === null ? undefined : names;
  };
  const needs = new StateNeeds();
  needs.guardedScope("s", "A|", "A|n", named);
  needs.guardedScope("s", "B|", "B|n", named);
  await b.prefetch(needs);
  const s = b.store("s");
  assert.deepEqual(s.get("A|e1"), { ev: 1 });
  assert.equal(s.get("A|z"), undefined, "A's scope was read by the names its guard gives, not scanned");
  assert.deepEqual(
    [...s.prefix("B|")].map(([k]) => k),
    ["B|e1", "B|n"],
    "B's guard names none: scanned",
  );
  assert.equal(b.holds(needs), true);
  assert.equal(b.cacheStats().faults, 0);
  await b.close();
});

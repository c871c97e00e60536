// Tests for both TaskStateStores implementations: overlay visibility, tombstones, merged scans,
// pending changes, commit/rollback, restore and size, each case run on memory and on RocksDB.
import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, type TestContext, test } from "node:test";
import type { Value } from "../../src/core/value.ts";
import { createMemoryTaskStores } from "../../src/state/memory-stores.ts";
import { createRocksDbTaskStores } from "../../src/state/rocksdb-stores.ts";
import type { Checkpoint, KeyValueStore, TaskStateStores } from "../../src/state/store.ts";
import { tempDir } from "./temp-dir.ts";

const kinds: Array<[string, (t: TestContext) => Promise<TaskStateStores>]> = [
  ["memory", async () => createMemoryTaskStores()],
  ["rocksdb", async (t) => createRocksDbTaskStores(join(await tempDir(t), "db"))],
];

function cp(n: number): Checkpoint {
  return { inputOffsets: { "in/0": n }, changelogOffsets: {}, meta: { wm: n * 10 } };
}

function all(it: Iterable<[string, Value]>): Array<[string, Value]> {
  return [...it];
}

async function opened(t: TestContext, make: (t: TestContext) => Promise<TaskStateStores>) {
  const stores = await make(t);
  assert.equal(await stores.open(), null);
  t.after(() => stores.close());
  return stores;
}

for (const [kind, make] of kinds) {
  describe(`${kind} task stores`, () => {
    test("reads see the overlay, then the base; rollback restores the base", async (t) => {
      const s = await opened(t, make);
      const a = s.store("a");
      a.put("k1", 1);
      a.put("k2", { x: [1, "two"] });
      assert.equal(a.get("k1"), 1);
      await s.commit(cp(1));
      a.put("k1", 2);
      a.delete("k2");
      a.put("k3", "new");
      assert.equal(a.get("k1"), 2);
      assert.equal(a.get("k2"), undefined);
      assert.equal(a.size(), 2);
      s.rollback();
      assert.equal(a.get("k1"), 1);
      assert.deepEqual(a.get("k2"), { x: [1, "two"] });
      assert.equal(a.get("k3"), undefined);
      assert.equal(a.size(), 2);
    });

    test("range and prefix merge base and overlay in key order, skipping tombstones", async (t) => {
      const s = await opened(t, make);
      const a = s.store("a");
      for (const k of ["a", "ab", "abc", "b", "ba", "c"]) a.put(k, k);
      await s.commit(cp(1));
      a.delete("ab");
      a.put("abb", "o");
      a.put("b", "B");
      a.put("aa", "o2");
      assert.deepEqual(all(a.prefix("a")), [
        ["a", "a"],
        ["aa", "o2"],
        ["abb", "o"],
        ["abc", "abc"],
      ]);
      assert.deepEqual(all(a.range("ab", "ba")), [
        ["abb", "o"],
        ["abc", "abc"],
        ["b", "B"],
      ]);
      assert.deepEqual(all(a.range("b", "b")), []);
      assert.deepEqual(all(a.range("c", "a")), []);
      assert.deepEqual(all(a.prefix("")).length, 7);
      assert.deepEqual(all(a.prefix("zz")), []);
    });

    test("keys compare by UTF-16 code units, including astral and lone surrogates", async (t) => {
      const s = await opened(t, make);
      const a = s.store("a");
      const keys = ["\uffff", "😀", "\ud800", "é", "Z", "", "\u0000"];
      for (const k of keys) a.put(k, k.length);
      await s.commit(cp(1));
      const expected = [...keys].sort();
      assert.deepEqual(
        all(a.prefix("")).map(([k]) => k),
        expected,
      );
    });

    test("pendingChanges: last write per key, ordered by store then key; deletes are null", async (t) => {
      const s = await opened(t, make);
      s.store("b").put("x", 1);
      s.store("a").put("y", 1);
      s.store("a").put("y", 2);
      s.store("a").put("gone", 3);
      await s.commit(cp(1));
      s.store("b").put("x", 5);
      s.store("a").delete("gone");
      s.store("a").put("tmp", 1);
      s.store("a").delete("tmp");
      s.store("a").put("a", true);
      s.store("a").delete("never-there");
      assert.deepEqual(s.pendingChanges(), [
        { store: "a", key: "a", value: true },
        { store: "a", key: "gone", value: null },
        { store: "b", key: "x", value: 5 },
      ]);
      await s.commit(cp(2));
      assert.deepEqual(s.pendingChanges(), []);
    });

    test("a scan tolerates deletes and puts of the keys it walks", async (t) => {
      const s = await opened(t, make);
      const a = s.store("a");
      for (let i = 0; i < 50; i++) a.put(`k${String(i).padStart(2, "0")}`, i);
      await s.commit(cp(1));
      for (let i = 50; i < 100; i++) a.put(`k${i}`, i);
      const seen: string[] = [];
      for (const [k] of a.prefix("k")) {
        seen.push(k);
        a.delete(k);
      }
      assert.equal(seen.length, 100);
      assert.equal(a.size(), 0);
      assert.deepEqual(all(a.prefix("")), []);
    });

    test("a scan is a live cursor: a key put ahead of it is seen, one put behind it is not", async (t) => {
      const s = await opened(t, make);
      const a = s.store("a");
      a.put("b", 1);
      a.put("d", 1);
      await s.commit(cp(1));
      const seen: string[] = [];
      for (const [k] of a.prefix("")) {
        seen.push(k);
        if (k === "b") {
          a.put("c", 2);
          a.put("a", 2);
        }
      }
      assert.deepEqual(seen, ["b", "c", "d"]);
    });

    test("applyRestored writes the base: survives rollback, not in pendingChanges", async (t) => {
      const s = await opened(t, make);
      const a = s.store("a");
      a.put("old", 1);
      await s.commit(cp(1));
      s.applyRestored([
        { store: "a", key: "r", value: "restored" },
        { store: "a", key: "old", value: null },
        { store: "c", key: "z", value: 9 },
      ]);
      assert.deepEqual(s.pendingChanges(), []);
      s.rollback();
      assert.equal(a.get("r"), "restored");
      assert.equal(a.get("old"), undefined);
      assert.equal(a.size(), 1);
      assert.equal(s.store("c").get("z"), 9);
    });

    test("a restore of a key put and deleted again since the commit is not a pending change", async (t) => {
      const s = await opened(t, make);
      const a = s.store("a");
      a.put("k", "written"); // a new key, then gone again: nothing is pending
      a.delete("k");
      s.applyRestored([{ store: "a", key: "k", value: "restored" }]);
      assert.deepEqual(s.pendingChanges(), []);
      s.rollback();
      assert.equal(a.get("k"), "restored", "the restored value is the committed one");
    });

    test("size counts live entries through puts, overwrites and deletes", async (t) => {
      const s = await opened(t, make);
      const a = s.store("a");
      a.put("x", 1);
      a.put("x", 2);
      a.put("y", 1);
      a.delete("zz");
      assert.equal(a.size(), 2);
      await s.commit(cp(1));
      assert.equal(a.size(), 2);
      a.delete("x");
      a.delete("x");
      a.put("w", 1);
      assert.equal(a.size(), 2);
      await s.commit(cp(2));
      assert.equal(a.size(), 2);
    });

    test("null values are refused (null means delete in a StoreChange)", async (t) => {
      const s = await opened(t, make);
      const a: KeyValueStore = s.store("a");
      assert.throws(() => a.put("k", null), TypeError);
      assert.equal(a.size(), 0);
    });

    test("the same name gives the same store", async (t) => {
      const s = await opened(t, make);
      assert.equal(s.store("a"), s.store("a"));
      assert.notEqual(s.store("a"), s.store("b"));
      assert.throws(() => s.store(""), TypeError);
    });

    test("close then open again: committed state and checkpoint come back, the overlay does not", async (t) => {
      const s = await opened(t, make);
      s.store("a").put("kept", 1);
      await s.commit(cp(3));
      s.store("a").put("lost", 2);
      await s.close();
      assert.deepEqual(await s.open(), cp(3));
      assert.equal(s.store("a").get("kept"), 1);
      assert.equal(s.store("a").get("lost"), undefined);
      assert.deepEqual(s.pendingChanges(), []);
    });

    test("the recorded checkpoint is a copy", async (t) => {
      const s = await opened(t, make);
      const mine = { inputOffsets: { "in/0": 1 }, changelogOffsets: {}, meta: {} };
      await s.commit(mine);
      mine.inputOffsets["in/0"] = 99;
      await s.close();
      assert.deepEqual(await s.open(), { inputOffsets: { "in/0": 1 }, changelogOffsets: {}, meta: {} });
    });
  });
}

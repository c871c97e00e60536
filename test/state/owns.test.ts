// KeyValueStore.owns: a value put since the last commit or rollback is its writer's to update in
// place; a committed value (also one put back) is shared with the committed state and is not.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Value } from "../../src/core/value.ts";
import { createCachedRocksDbStores } from "../../src/state/cached-rocksdb-stores.ts";
import { createMemoryTaskStores } from "../../src/state/memory-stores.ts";
import { createRocksDbTaskStores } from "../../src/state/rocksdb-stores.ts";
import type { Checkpoint, TaskStateStores } from "../../src/state/store.ts";
import { tempDir } from "./temp-dir.ts";

const cp: Checkpoint = { inputOffsets: {}, changelogOffsets: {}, meta: {} };

async function ownership(stores: TaskStateStores): Promise<void> {
  await stores.open();
  const s = stores.store("s");
  assert.equal(s.owns("k"), false, "absent");
  const first: Value = { n: 1 };
  s.put("k", first);
  assert.equal(s.owns("k"), true, "put since the commit");
  await stores.commit(cp);
  assert.equal(s.owns("k"), false, "committed: shared with the committed state");
  const committed = s.get("k") as Value;
  s.put("k", committed);
  assert.equal(s.owns("k"), false, "the committed value put back is still the committed one");
  const second: Value = { n: 2 };
  s.put("k", second);
  assert.equal(s.owns("k"), true);
  (second as { n: number }).n = 3; // updated in place, without another put
  assert.deepEqual(stores.pendingChanges(), [{ store: "s", key: "k", value: { n: 3 } }]);
  stores.rollback();
  assert.equal(s.owns("k"), false, "rolled back");
  assert.deepEqual(s.get("k"), { n: 1 }, "the committed value, untouched");
  s.put("k", { n: 4 });
  s.delete("k");
  assert.equal(s.owns("k"), false, "deleted");
  s.put("k", { n: 5 });
  const commit = stores.commit(cp);
  assert.equal(s.owns("k"), false, "while a commit is written nothing is owned");
  await commit;
  await stores.close();
}

test("memory stores: owns follows the commit epoch", () => ownership(createMemoryTaskStores()));

test("RocksDB stores: owns follows the commit epoch", async (t) =>
  ownership(createRocksDbTaskStores(await tempDir(t))));

test("cached RocksDB stores: owns follows the commit epoch", async (t) =>
  ownership(createCachedRocksDbStores(await tempDir(t), { cacheBytes: 1 << 20 })));

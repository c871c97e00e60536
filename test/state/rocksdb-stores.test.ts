// Tests for the RocksDB task stores: persistence across processes and objects, one atomic batch per
// commit, a crash between commits, corrupt and locked directories, restore made durable.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type TestContext, test } from "node:test";
import { fileURLToPath } from "node:url";
import RocksDB from "rocksdb-native";
import { createRocksDbTaskStores, wipeStateDir } from "../../src/state/rocksdb-stores.ts";
import { CorruptStateError, StateLockedError } from "../../src/state/state-errors.ts";
import type { Checkpoint } from "../../src/state/store.ts";
import { tempDir } from "./temp-dir.ts";

function cp(n: number): Checkpoint {
  return {
    inputOffsets: { "in/0": n, "in/1": n + 1 },
    changelogOffsets: { agg: n * 2 },
    meta: { wm: [n, null] },
  };
}

async function openStores(t: TestContext, dir: string) {
  const stores = createRocksDbTaskStores(dir);
  const checkpoint = await stores.open();
  t.after(() => stores.close());
  return { stores, checkpoint };
}

/** Writes raw key/values into a RocksDB dir (to fake damage the stores must detect). */
async function writeRaw(dir: string, entries: Array<[string, string]>): Promise<void> {
  const db = new RocksDB(dir);
  await db.ready();
  const batch = db.write({ autoDestroy: true });
  for (const [k, v] of entries) batch.tryPut(k, v);
  await batch.flush();
  await db.close();
}

test("commit, close, reopen with a new object: same entries and checkpoint", async (t) => {
  const dir = join(await tempDir(t), "nested", "db");
  const first = createRocksDbTaskStores(dir);
  assert.equal(await first.open(), null);
  for (let i = 0; i < 500; i++) first.store(i % 2 ? "odd" : "even").put(`k${i}`, { i, s: `v${i}` });
  first.store("even").delete("k0");
  await first.commit(cp(1));
  first.store("odd").delete("k1");
  first.store("odd").put("k3", "changed");
  await first.commit(cp(2));
  await first.close();

  const { stores, checkpoint } = await openStores(t, dir);
  assert.deepEqual(checkpoint, cp(2));
  assert.equal(stores.stats().loadedEntries, 498);
  assert.equal(stores.store("even").get("k0"), undefined);
  assert.equal(stores.store("odd").get("k1"), undefined);
  assert.equal(stores.store("odd").get("k3"), "changed");
  assert.deepEqual(stores.store("even").get("k498"), { i: 498, s: "v498" });
  assert.equal(stores.store("even").size() + stores.store("odd").size(), 498);
});

test("each commit is one write batch holding the state and the checkpoint", async (t) => {
  const dir = await tempDir(t);
  const { stores } = await openStores(t, dir);
  stores.store("a").put("x", 1);
  stores.store("b").put("y", 2);
  await stores.commit(cp(1));
  assert.equal(stores.stats().writeBatches, 1);
  await stores.commit(cp(2));
  assert.equal(stores.stats().writeBatches, 2);
});

test("a commit that cannot encode a value writes nothing and keeps the overlay", async (t) => {
  const dir = await tempDir(t);
  const s = createRocksDbTaskStores(dir);
  await s.open();
  s.store("a").put("good", 1);
  await s.commit(cp(1));
  s.store("a").put("good", 2);
  s.store("a").put("bad", Number.NaN);
  await assert.rejects(s.commit(cp(2)), /not storable/);
  assert.equal(s.stats().writeBatches, 1);
  assert.equal(s.store("a").get("good"), 2);
  assert.equal(s.pendingChanges().length, 2);
  s.rollback();
  await s.close();

  const { stores, checkpoint } = await openStores(t, dir);
  assert.deepEqual(checkpoint, cp(1));
  assert.equal(stores.store("a").get("good"), 1);
  assert.equal(stores.store("a").get("bad"), undefined);
});

test("writes are refused while a commit is being written", async (t) => {
  const { stores } = await openStores(t, await tempDir(t));
  stores.store("a").put("x", 1);
  const pending = stores.commit(cp(1));
  assert.throws(() => stores.store("a").put("y", 1), /during commit/);
  await assert.rejects(stores.commit(cp(2)), /in flight/);
  await pending;
  stores.store("a").put("y", 1);
  assert.equal(stores.store("a").size(), 2);
});

test("a process killed after a commit: the commit is on disk, the later overlay is not", async (t) => {
  const dir = await tempDir(t);
  const fixture = fileURLToPath(new URL("./fixtures/crash-writer.ts", import.meta.url));
  const child = spawnSync(process.execPath, ["--import", "tsx", fixture, dir], { encoding: "utf8" });
  assert.equal(child.signal, "SIGKILL", child.stderr);
  assert.equal(child.stdout, "committed\n");

  const { stores, checkpoint } = await openStores(t, dir);
  assert.deepEqual(checkpoint, { inputOffsets: { "in/0": 100 }, changelogOffsets: {}, meta: {} });
  const agg = stores.store("agg");
  assert.equal(agg.size(), 100);
  assert.deepEqual(agg.get("k42"), { n: 42 });
  assert.equal(agg.get("uncommitted"), undefined);
});

test("a process killed in the middle of committing: checkpoint and data agree after reopen", async (t) => {
  const dir = await tempDir(t);
  const fixture = fileURLToPath(new URL("./fixtures/commit-looper.ts", import.meta.url));
  const child = spawn(process.execPath, ["--import", "tsx", fixture, dir], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const exited = new Promise((resolve) => child.on("exit", resolve));
  let out = "";
  await new Promise<void>((resolve) => {
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes("committed 20")) resolve();
    });
    child.on("exit", () => resolve());
  });
  child.kill("SIGKILL");
  await exited;
  assert.match(out, /committed 20/);

  const { stores, checkpoint } = await openStores(t, dir);
  const n = checkpoint?.inputOffsets["in/0"];
  assert.ok(typeof n === "number" && n >= 20, `checkpoint ${JSON.stringify(checkpoint)}`);
  const data = stores.store("data");
  for (let j = 0; j < 200; j++) assert.equal((data.get(`k${j}`) as { n: number }).n, n);
  assert.equal(data.get(`gone-${n}`), n);
  assert.equal(data.get(`gone-${n - 1}`), undefined);
  assert.equal(data.size(), 201);
});

test("restored changes become durable with the next commit", async (t) => {
  const dir = await tempDir(t);
  const s = createRocksDbTaskStores(dir);
  await s.open();
  s.store("a").put("stale", 1);
  await s.commit(cp(1));
  s.applyRestored([
    { store: "a", key: "stale", value: null },
    { store: "a", key: "fresh", value: [1, 2] },
  ]);
  s.store("a").put("mine", true);
  await s.commit(cp(2));
  await s.close();

  const { stores } = await openStores(t, dir);
  assert.deepEqual(
    [...stores.store("a").prefix("")],
    [
      ["fresh", [1, 2]],
      ["mine", true],
    ],
  );
});

test("a missing directory opens fresh", async (t) => {
  const { stores, checkpoint } = await openStores(t, join(await tempDir(t), "a", "b", "c"));
  assert.equal(checkpoint, null);
  assert.equal(stores.store("x").size(), 0);
});

test("a garbage directory is CorruptStateError; wipeStateDir then gives a fresh start", async (t) => {
  const dir = await tempDir(t);
  await writeFile(join(dir, "CURRENT"), "garbage\n");
  const s = createRocksDbTaskStores(dir);
  const error = await s.open().then(
    () => assert.fail("opened a garbage dir"),
    (e: unknown) => e,
  );
  assert.ok(error instanceof CorruptStateError);
  assert.equal(error.dir, dir);
  await wipeStateDir(dir);
  assert.equal(await s.open(), null);
  await s.close();
});

test("an unreadable checkpoint, a missing marker or a foreign key is CorruptStateError", async (t) => {
  const cases: Array<Array<[string, string]>> = [
    [
      ["meta:format", "vigil-state/1"],
      ["meta:checkpoint", "{not json"],
    ],
    [
      ["meta:format", "vigil-state/1"],
      ["meta:checkpoint", JSON.stringify({ inputOffsets: { a: "x" }, changelogOffsets: {}, meta: {} })],
    ],
    [['["a","k"]', "1"]],
    [
      ["meta:format", "vigil-state/1"],
      ["meta:checkpoint", JSON.stringify(cp(1))],
      ["something-else", "1"],
    ],
    [
      ["meta:format", "vigil-state/1"],
      ["meta:checkpoint", JSON.stringify(cp(1))],
      ['["a","k"]', "{broken"],
    ],
    [["meta:format", "vigil-state/1"]],
  ];
  for (const entries of cases) {
    const dir = await tempDir(t);
    await writeRaw(dir, entries);
    const s = createRocksDbTaskStores(dir);
    await assert.rejects(s.open(), CorruptStateError, JSON.stringify(entries));
    await assert.rejects(s.commit(cp(1)), /not open/);
  }
});

test("a directory open in another handle is StateLockedError, not corruption", async (t) => {
  const dir = await tempDir(t);
  const { stores } = await openStores(t, dir);
  stores.store("a").put("x", 1);
  await stores.commit(cp(1));
  const other = createRocksDbTaskStores(dir);
  await assert.rejects(other.open(), StateLockedError);
  assert.equal(stores.store("a").get("x"), 1);
});

test("opening twice without closing is refused; store() before open() is refused", async (t) => {
  const dir = await tempDir(t);
  const s = createRocksDbTaskStores(dir);
  assert.throws(() => s.store("a"), /not open/);
  await s.open();
  t.after(() => s.close());
  await assert.rejects(s.open(), /already open/);
});

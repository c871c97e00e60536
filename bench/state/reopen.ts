// How long a task with a large state folder takes to open and process its first batch: the cached
// stores (open reads the checkpoint and the pinned stores) against the stores that load the whole
// database at open. Writes the folder once, in Vigil's layout.
// Usage: node --import tsx bench/state/reopen.ts <megabytes> [cached|loaded|both]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import RocksDB from "rocksdb-native";
import { PINNED_STORES } from "../../src/runtime/task.ts";
import { createCachedRocksDbStores } from "../../src/state/cached-rocksdb-stores.ts";
import { CHECKPOINT_KEY, entryKey, FORMAT_KEY, FORMAT_VERSION } from "../../src/state/rocksdb-codec.ts";
import { createRocksDbTaskStores } from "../../src/state/rocksdb-stores.ts";
import { StateNeeds } from "../../src/state/state-needs.ts";

const STORE = "rule.window";
const VALUE = { n: 3, total: 1234.5, first: "2026-01-01T00:00:00Z", pad: "x".repeat(120) };

// Writes the folder straight through RocksDB write batches, in the stores' layout (rocksdb-codec.ts).
async function write(dir: string, megabytes: number): Promise<number> {
  const db = new RocksDB(dir);
  await db.ready();
  const per = JSON.stringify(VALUE).length + 30;
  const entries = Math.ceil((megabytes * 1024 * 1024) / per);
  for (let i = 0; i < entries; i += 50_000) {
    const batch = db.write({ autoDestroy: true, capacity: 50_000 });
    for (let j = i; j < Math.min(entries, i + 50_000); j++)
      batch.tryPut(entryKey(STORE, `k${j}`), JSON.stringify({ ...VALUE, n: j }));
    await batch.flush();
  }
  const meta = db.write({ autoDestroy: true, capacity: 2 });
  meta.tryPut(
    CHECKPOINT_KEY,
    JSON.stringify({ inputOffsets: { "t/0": entries }, changelogOffsets: {}, meta: {} }),
  );
  meta.tryPut(FORMAT_KEY, FORMAT_VERSION);
  await meta.flush();
  await db.close();
  return entries;
}

async function timeOpen(
  dir: string,
  mode: "cached" | "loaded",
  entries: number,
): Promise<Record<string, number>> {
  const started = performance.now();
  const stores =
    mode === "cached"
      ? createCachedRocksDbStores(dir, { cacheBytes: 64 << 20, pinned: PINNED_STORES })
      : createRocksDbTaskStores(dir);
  await stores.open();
  const opened = performance.now();
  // A first batch: 2,000 keys spread over the state.
  const keys = Array.from({ length: 2_000 }, (_, i) => `k${Math.floor((i * entries) / 2_000)}`);
  if (mode === "cached") {
    const needs = new StateNeeds();
    for (const k of keys) needs.key(STORE, k);
    await (stores as ReturnType<typeof createCachedRocksDbStores>).prefetch(needs);
  }
  let found = 0;
  for (const k of keys) if (stores.store(STORE).get(k) !== undefined) found++;
  const first = performance.now();
  await stores.close();
  if (found !== keys.length) throw new Error(`${mode}: found ${found} of ${keys.length} keys`);
  return {
    openSeconds: Math.round(opened - started) / 1000,
    firstBatchSeconds: Math.round(first - started) / 1000,
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const megabytes = Number(process.argv[2] ?? 1024);
  const which = process.argv[3] ?? "both";
  const dir = process.argv[4] ?? mkdtempSync(join(tmpdir(), "vigil-reopen-"));
  const keep = process.argv[4] !== undefined;
  const t = performance.now();
  const entries = keep ? Number(process.argv[5]) : await write(dir, megabytes);
  const writeSeconds = Math.round(performance.now() - t) / 1000;
  const out: Record<string, unknown> = { megabytes, entries, writeSeconds };
  if (which !== "loaded") out["cached"] = await timeOpen(dir, "cached", entries);
  if (which !== "cached") out["loaded"] = await timeOpen(dir, "loaded", entries);
  if (!keep) rmSync(dir, { recursive: true, force: true });
  console.log(JSON.stringify(out));
}

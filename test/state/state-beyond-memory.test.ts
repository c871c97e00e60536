// State beyond memory (issue 14): one task whose state is far larger than its cache budget gives
// exactly the memory stores' output, with a peak RSS well below theirs, and the cache's counters
// move. Each mode runs in a child process of its own, so its peak RSS is its own; the cached one
// with a V8 heap limit far below what the memory stores use.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { resolve } from "node:path";
import { test } from "node:test";
import type { ScaleResult } from "../../bench/state/scale.ts";

const SCRIPT = resolve(import.meta.dirname, "../../bench/state/scale.ts");
const KEYS = 300_000;
const PAYMENTS = 300_000;
const CACHE_MB = 1;
// The cached run gets a V8 heap too small for the state: what it needs is the budget, not the state.
const CACHED_HEAP_MB = 128;

function run(mode: "memory" | "cached"): ScaleResult {
  const heap = mode === "cached" ? [`--max-old-space-size=${CACHED_HEAP_MB}`] : [];
  const args = [...heap, "--import", "tsx", SCRIPT, String(KEYS), String(PAYMENTS), mode, String(CACHE_MB)];
  const out = execFileSync(process.execPath, args, { encoding: "utf8", maxBuffer: 1 << 20 });
  return JSON.parse(out.trim().split("\n").pop() as string) as ScaleResult;
}

test(`a task with ${KEYS} table keys and their windows over a ${CACHE_MB} MB cache: the memory stores' output in bounded memory`, () => {
  const memory = run("memory");
  const cached = run("cached");
  console.log(JSON.stringify({ memory, cached }));
  assert.ok(
    memory.outputs > 10_000,
    `only ${memory.outputs} outputs: the workload does not exercise the rules`,
  );
  assert.equal(cached.outputs, memory.outputs);
  assert.equal(cached.sha256, memory.sha256, "the outputs differ");
  // The table alone is far beyond the budget (the windows and their timers come on top).
  assert.ok(cached.tableBytes >= 10 * CACHE_MB * 1024 * 1024, `state of ${cached.tableBytes} bytes`);
  const c = cached.cache;
  assert.ok(c !== undefined, "no cache counters");
  assert.equal(c["faults"], 0, "a read was not prefetched");
  assert.ok((c["misses"] ?? 0) > KEYS, "entries came back from RocksDB");
  assert.ok((c["hits"] ?? 0) > 0, "entries were found in memory");
  assert.ok((c["evictions"] ?? 0) > KEYS / 2, "entries were evicted");
  assert.ok((c["bytes"] ?? 0) <= CACHE_MB * 1024 * 1024 * 1.2, `cache holds ${c["bytes"]} bytes`);
  // Generous: the memory stores hold every entry; the cached run holds a budget and the timers.
  assert.ok(
    cached.peakRssMb < memory.peakRssMb * 0.85,
    `peak RSS ${cached.peakRssMb} MB with the cache, ${memory.peakRssMb} MB in memory`,
  );
  // Node and tsx, a 128 MB V8 heap, RocksDB's block cache and memtables: measured 394 MB at load 20.
  assert.ok(cached.peakRssMb < 512, `peak RSS ${cached.peakRssMb} MB with the cache`);
});

// What a key scope costs to read from RocksDB: one iterator over a three-entry scope against the
// same three entries by name in one multi-get (rocksdb-native), 20,000 scopes in batches of 500,
// three rounds. Prints microseconds of wall clock and of CPU per scope.
// Usage: node bench/state/scan-vs-get.mjs
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import RocksDB from "rocksdb-native";

const dir = mkdtempSync(join(tmpdir(), "vigil-scan-vs-get-"));
const db = new RocksDB(dir);
await db.ready();
const N = 20_000;
const BATCH = 500;
const SUFFIXES = ["n", "p0", "e0"];
const key = (i, s) => Buffer.from(`["st","7:+k${i}|${s}"]`);
const w = db.write({ capacity: N * SUFFIXES.length });
for (let i = 0; i < N; i++)
  for (const s of SUFFIXES) w.put(key(i, s), Buffer.from(JSON.stringify({ i, s, pad: "x".repeat(200) })));
await w.flush();

async function scanScope(i) {
  let n = 0;
  const range = { gte: Buffer.from(`["st","7:+k${i}|`), lt: Buffer.from(`["st","7:+k${i}|\uffff`) };
  for await (const _ of db.iterator(range, { capacity: 256 })) n++;
  return n;
}

async function timed(label, run) {
  const t = performance.now();
  const c = process.cpuUsage();
  for (let b = 0; b < N; b += BATCH) await run(b);
  const cpu = process.cpuUsage(c);
  const wall = ((performance.now() - t) * 1000) / N;
  console.log(
    `${label}: ${wall.toFixed(1)} us wall, ${((cpu.user + cpu.system) / N).toFixed(1)} us CPU per scope`,
  );
}

for (let round = 1; round <= 3; round++) {
  await timed(`round ${round}, one iterator per scope`, async (b) => {
    const scans = [];
    for (let i = b; i < b + BATCH; i++) scans.push(scanScope(i));
    await Promise.all(scans);
  });
  await timed(`round ${round}, three gets per scope`, async (b) => {
    const batch = db.read({ capacity: BATCH * SUFFIXES.length, autoDestroy: true });
    const gets = [];
    for (let i = b; i < b + BATCH; i++) for (const s of SUFFIXES) gets.push(batch.get(key(i, s)));
    batch.tryFlush();
    await Promise.all(gets);
  });
}
await db.close();
rmSync(dir, { recursive: true, force: true });

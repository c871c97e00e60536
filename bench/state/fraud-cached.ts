// The demo's fraud rules over the demo data (about 10k cards), embedded: memory stores against
// RocksDB behind a cache big enough for everything and one far too small, interleaved rounds.
// Prints events/s (wall clock) per mode and round, and the alerts, which must agree.
// Usage: node --import tsx bench/state/fraud-cached.ts [rounds]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { compileProgram } from "../../src/plan/compile.ts";
import { runEmbedded } from "../../src/runtime/embedded-runner.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const DATA = join(ROOT, "examples/fraud/data");
const compiled = compileProgram([join(ROOT, "examples/fraud/rules.vigil")]);
if (compiled.plan === null) throw new Error("examples/fraud/rules.vigil does not compile");
const plan = compiled.plan;
const files = {
  payments: join(DATA, "payments.jsonl"),
  activity: join(DATA, "activity.jsonl"),
  cards: join(DATA, "cards.jsonl"),
  customers: join(DATA, "customers.jsonl"),
};
const modes: Record<string, number | null> = {
  memory: null,
  "cached-64MB": 64 << 20,
  "cached-256KB": 256 << 10,
};

const rounds = Number(process.argv[2] ?? 3);
const results: Record<string, number[]> = {};
let alerts: number | null = null;
for (let r = 0; r < rounds; r++) {
  for (const [mode, bytes] of Object.entries(modes)) {
    const dir = mkdtempSync(join(tmpdir(), "vigil-fraud-cached-"));
    const started = performance.now();
    const out = await runEmbedded({
      plan,
      inputs: { files },
      ...(bytes === null ? {} : { stateDir: dir, stateCacheBytes: bytes }),
    });
    const seconds = (performance.now() - started) / 1000;
    rmSync(dir, { recursive: true, force: true });
    if (alerts !== null && out.outputs.length !== alerts)
      throw new Error(`${mode}: ${out.outputs.length} alerts, expected ${alerts}`);
    alerts = out.outputs.length;
    (results[mode] ??= []).push(Math.round(out.stats.recordsIn / seconds));
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(
  JSON.stringify({
    alerts,
    eventsPerSecond: results,
    median: Object.fromEntries(Object.entries(results).map(([m, xs]) => [m, median(xs)])),
  }),
);

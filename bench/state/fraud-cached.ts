// The demo's fraud rules over the demo data (about 10k cards), embedded: memory stores against
// RocksDB behind a cache big enough for everything and one far too small, interleaved rounds.
// Prints events/s (wall clock) per mode and round, and the alerts, which must agree (count and SHA-256).
// Usage: node --import tsx bench/state/fraud-cached.ts [rounds] [data dir]
// (a bigger dataset: node --import tsx examples/fraud/generate.ts --out DIR --customers 200000 --days 1)
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { compileProgram } from "../../src/plan/compile.ts";
import { runEmbedded } from "../../src/runtime/embedded-runner.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const DATA = resolve(process.argv[3] ?? join(ROOT, "examples/fraud/data"));
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
let digest: string | null = null;
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
    const sha = createHash("sha256");
    for (const o of out.outputs) sha.update(`${JSON.stringify(o)}\n`);
    const hex = sha.digest("hex");
    if (digest !== null && hex !== digest) throw new Error(`${mode}: alerts differ from the first mode's`);
    digest = hex;
    console.error(
      `${mode} round ${r + 1}: ${Math.round(out.stats.recordsIn / seconds)} records/s, ${seconds.toFixed(1)} s`,
    );
    (results[mode] ??= []).push(Math.round(out.stats.recordsIn / seconds));
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(
  JSON.stringify({
    alerts,
    sha256: digest,
    eventsPerSecond: results,
    median: Object.fromEntries(Object.entries(results).map(([m, xs]) => [m, median(xs)])),
  }),
);

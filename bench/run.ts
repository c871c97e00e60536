// Benchmarks: entry point (`npm run bench`). Runs each suite with its baseline in the same process
// and prints one table: rate in the suite's unit, margin of error, samples, and ratio to the baseline.
import { dslFrontEnd } from "./suites/dsl-front-end.ts";
import { embeddedRuntime } from "./suites/embedded-runtime.ts";
import type { BenchRow } from "./suites/measure.ts";
import { stateStores } from "./suites/state-stores.ts";

function fmt(n: number): string {
  if (n >= 100) return Math.round(n).toLocaleString("en-US");
  return n.toPrecision(3);
}

/** A Markdown table, so the output can be pasted into bench/RESULTS.md as is. */
function table(rows: readonly BenchRow[]): string {
  const lines = [
    "| suite | case | rate | ± | samples | ratio to baseline |",
    "|---|---|---:|---:|---:|---:|",
  ];
  for (const r of rows) {
    const ratio = r.isBaseline ? "1 (baseline)" : `${r.ratio.toPrecision(3)}x`;
    lines.push(
      `| ${r.suite} | ${r.name} | ${fmt(r.rate)} ${r.unit} | ${r.rme.toFixed(1)}% | ${r.samples} | ${ratio} |`,
    );
  }
  return lines.join("\n");
}

async function main(): Promise<void> {
  const started = performance.now();
  const rows: BenchRow[] = [];
  for (const [name, suite] of [
    ["DSL front end", dslFrontEnd],
    ["state stores", stateStores],
    ["embedded runtime", embeddedRuntime],
  ] as const) {
    console.error(`running: ${name}`);
    rows.push(...(await suite()));
  }
  console.log(table(rows));
  console.error(`total ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

await main();

// Benchmarks: entry point (`npm run bench [suite-name-substring...]`). Runs each suite with its
// baseline (a peer engine or a hand-written loop) in the same process and run, and prints one
// Markdown table: rate in the suite's unit, margin of error, samples, and ratio to the baseline.

import { SUITES } from "./suites/index.ts";
import type { BenchRow } from "./suites/measure.ts";

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
  const filters = process.argv.slice(2).map((a) => a.toLowerCase());
  const chosen = SUITES.filter(([name]) => filters.length === 0 || filters.some((f) => name.includes(f)));
  if (chosen.length === 0)
    throw new Error(`no suite matches ${filters.join(", ")}; suites: ${SUITES.map(([n]) => n).join(", ")}`);
  const rows: BenchRow[] = [];
  for (const [name, suite] of chosen) {
    console.error(`running: ${name}`);
    rows.push(...(await suite()));
  }
  console.log(table(rows));
  console.error(`total ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

await main();

// Benchmarks: the embedded runtime end to end (read JSONL, run every fraud rule, commit, collect
// outputs) on a small generated fraud dataset, in input events per second, against a hand-written
// loop that reads the same files, JSON.parses each line and applies one trivial filter.
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { DEFAULT_OPTIONS, generateInto } from "../../examples/fraud/generate.ts";
import { compileProgram } from "../../src/plan/compile.ts";
import type { ProgramPlan } from "../../src/plan/plan.ts";
import { runEmbedded } from "../../src/runtime/embedded-runner.ts";
import { type BenchRow, measure } from "./measure.ts";

const RULES = resolve(import.meta.dirname, "../../examples/fraud/rules.vigil");

/** Input files by stream/table name (`<name>.jsonl`, else `<topic>.jsonl`), as `vigil replay` finds them. */
function inputFiles(plan: ProgramPlan, dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const d of [...plan.streams, ...plan.tables]) {
    const path = [join(dir, `${d.name}.jsonl`), join(dir, `${d.topic}.jsonl`)].find((p) => existsSync(p));
    if (path !== undefined) files[d.name] = path;
  }
  return files;
}

function countLines(path: string): number {
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "").length;
}

/** The baseline: every line parsed, one field compared; returns the records that pass. */
function parseAndFilter(paths: readonly string[]): number {
  let kept = 0;
  for (const path of paths) {
    for (const line of readFileSync(path, "utf8").split("\n")) {
      if (line.trim() === "") continue;
      const row = JSON.parse(line) as { amount?: unknown };
      if (typeof row.amount === "number" && row.amount > 100) kept++;
    }
  }
  return kept;
}

/** Runs the suite over 200 customers x 2 days (seed 7), generated into a temp dir removed afterwards. */
export async function embeddedRuntime(): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), "vigil-bench-"));
  try {
    const summary = generateInto(dir, { ...DEFAULT_OPTIONS, customers: 200, days: 2, brokenLines: 0 });
    const compiled = compileProgram([RULES]);
    if (compiled.plan === null) throw new Error("examples/fraud/rules.vigil does not compile");
    const plan = compiled.plan;
    const files = inputFiles(plan, dir);
    const paths = Object.values(files);
    const events = paths.reduce((n, p) => n + countLines(p), 0);
    const first = await runEmbedded({ plan, inputs: { files } });
    console.error(`  data: ${summary}; ${events} input events, ${first.canonical.length} alerts`);
    return await measure(
      `Embedded runtime, fraud example (${plan.rules.length} rules, ${events} events)`,
      "events/s",
      { name: "JSON.parse + filter loop", unitsPerOp: events, fn: () => parseAndFilter(paths) },
      [
        {
          name: "runEmbedded, 1 partition",
          unitsPerOp: events,
          fn: () => runEmbedded({ plan, inputs: { files } }),
        },
        {
          name: "runEmbedded, 2 partitions",
          unitsPerOp: events,
          fn: () => runEmbedded({ plan, inputs: { files }, partitions: 2 }),
        },
      ],
      { time: 3000, iterations: 5, warmupIterations: 1 },
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

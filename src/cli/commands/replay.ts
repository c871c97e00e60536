// CLI command `vigil replay`: compiles rules, runs them embedded (no Kafka) over JSONL files, prints
// a sample of alerts, a per-rule summary (precision and recall when labels are given) and the dead
// letters. `vigil replay examples/fraud` is the demo: it generates the data first when missing.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { Command } from "commander";
import type { Value } from "../../core/value.ts";
import { renderDiagnostics } from "../../dsl/diagnostics/render.ts";
import { metricsSummary } from "../../observe/run-summary.ts";
import { compileProgram } from "../../plan/compile.ts";
import { resolveParamOverrides } from "../../plan/params.ts";
import type { ProgramPlan } from "../../plan/plan.ts";
import { type ReplayArgs, type ReplayFlags, resolveReplayArgs } from "../replay/args.ts";
import { createProgress } from "../replay/progress.ts";
import { alertSample, deadLetterLines, missedLine, summaryTable } from "../replay/report.ts";
import { type IncidentLabel, parseLabels, scoreAlerts } from "../replay/score.ts";
import type { CliCommand } from "../shared/cli-command.ts";
import { collect, integer, nonEmpty } from "../shared/options.ts";
import { unreadableRulesFiles } from "../shared/rules-files.ts";

export const command: CliCommand = {
  configure(cmd: Command) {
    cmd
      .argument(
        "<rules...>",
        "rule files or directories, or one example directory (rules.vigil, data/, generate.ts)",
      )
      .option(
        "--data <dir>",
        "input directory: <stream>.jsonl or <topic>.jsonl per stream or table",
        nonEmpty,
      )
      .option(
        "--labels <file>",
        "labelled incidents (JSONL: scenario, key, start, end) for precision and recall (default: DIR/labels.jsonl when present)",
        nonEmpty,
      )
      .option("--partitions <n>", "input partitions (tasks per sub-topology)", integer(1, 256), 1)
      .option(
        "--param <name=value>",
        "override a rule parameter, parsed by its type (e.g. 500, 2.5, true, 5m); repeatable",
        collect,
      )
      .option("--sample <n>", "alerts to show", integer(0, 256), 12)
      .option("--out <file>", "write every alert (JSONL, canonical order)", nonEmpty)
      .option("--progress", "show progress on stderr even when it is not a terminal")
      .addHelpText(
        "after",
        "\nRuns the rules embedded over JSONL files and prints alerts, a per-rule summary and dead letters.\n`vigil replay examples/fraud` is the demo: it generates the data first when missing.\nExit status: 0 on success, 1 when the rules have errors or the data cannot be read, 2 on bad usage.",
      );
  },
  run: (operands, opts) => replayCommand(operands, opts as unknown as ReplayFlags),
};

async function replayCommand(operands: string[], flags: ReplayFlags): Promise<number> {
  const args = resolveReplayArgs(operands, flags);
  if (typeof args === "string") {
    console.error(`vigil replay: ${args}`);
    return 2;
  }
  const unreadable = unreadableRulesFiles(args.rules);
  for (const p of unreadable) console.error(`vigil replay: ${p}`);
  if (unreadable.length > 0) return 1;
  if (!existsSync(args.dataDir)) {
    if (args.generator === null) return fail(`data directory ${args.dataDir} does not exist`);
    const made = await generateData(args.generator, args.dataDir);
    if (made !== null) return fail(made);
  }
  const compiled = compileProgram(args.rules);
  if (compiled.diagnostics.length > 0) {
    console.error(`${renderDiagnostics(compiled.diagnostics, (f) => compiled.sources.get(f))}\n`);
  }
  if (compiled.plan === null) return 1;
  const params = resolveParamOverrides(compiled.plan, args.params);
  if (params.errors.length > 0) {
    for (const e of params.errors) console.error(`vigil replay: --param: ${e}`);
    return 2;
  }
  const labels = loadLabels(args.labels);
  if (typeof labels === "string") return fail(labels);
  return replay(args, compiled.plan, labels, Object.fromEntries(params.values));
}

function fail(message: string): number {
  console.error(`vigil replay: ${message}`);
  return 1;
}

/** Calls the example's `generateInto(dir)` (its default seed and size); an error message or null. */
async function generateData(exampleDir: string, dataDir: string): Promise<string | null> {
  const url = pathToFileURL(resolve(exampleDir, "generate.ts")).href;
  try {
    const mod = (await import(url)) as { generateInto?: (dir: string) => string };
    if (typeof mod.generateInto !== "function")
      return `${exampleDir}/generate.ts exports no generateInto(dir)`;
    console.error(`Generating example data (first run): ${mod.generateInto(dataDir)}`);
    return null;
  } catch (e) {
    return `generating ${dataDir} failed: ${e instanceof Error ? e.message : String(e)}`;
  }
}

function loadLabels(path: string | null): IncidentLabel[] | null | string {
  if (path === null) return null;
  if (!existsSync(path)) return `labels file ${path} does not exist`;
  const { labels, errors } = parseLabels(readFileSync(path, "utf8"));
  for (const e of errors.slice(0, 5)) console.error(`vigil replay: ${path}: ${e} (line skipped)`);
  return labels;
}

/** Input files by stream/table name: `<name>.jsonl`, else `<topic>.jsonl`; with their line counts. */
function inputFiles(
  plan: ProgramPlan,
  dataDir: string,
): { files: Record<string, string>; counts: string[]; total: number } {
  const files: Record<string, string> = {};
  const counts: string[] = [];
  let total = 0;
  for (const d of [...plan.streams, ...plan.tables]) {
    const path = [join(dataDir, `${d.name}.jsonl`), join(dataDir, `${d.topic}.jsonl`)].find((p) =>
      existsSync(p),
    );
    if (path === undefined) {
      // A stream without a file is fed by the rules emitting to its topic, as on Kafka (chained rules).
      const feeders = plan.rules.filter((r) => r.sink.topic === d.topic).map((r) => r.name);
      counts.push(`${d.name} (${feeders.length > 0 ? `fed by ${feeders.join(", ")}` : "no file"})`);
      continue;
    }
    const text = readFileSync(path, "utf8");
    const lines = text.split("\n").filter((l) => l.trim() !== "").length;
    files[d.name] = path;
    total += lines;
    counts.push(`${d.name} ${lines.toLocaleString("en-US")}`);
  }
  return { files, counts, total };
}

async function replay(
  args: ReplayArgs,
  plan: ProgramPlan,
  labels: IncidentLabel[] | null,
  params: Record<string, Value>,
): Promise<number> {
  const inputs = inputFiles(plan, args.dataDir);
  const parts = args.partitions === 1 ? "1 partition" : `${args.partitions} partitions`;
  console.log(`Replaying ${plan.rules.length} rules over ${args.dataDir} (${parts}, embedded, no Kafka)`);
  console.log(`  input records: ${inputs.counts.join(", ")}`);
  const { runEmbedded } = await import("../../runtime/embedded-runner.ts");
  const progress = createProgress(inputs.total, args.progress);
  const started = performance.now();
  let result: Awaited<ReturnType<typeof runEmbedded>>;
  try {
    result = await runEmbedded({
      plan,
      inputs: { files: inputs.files },
      partitions: args.partitions,
      commitEvery: 5_000,
      params,
      onProgress: (n) => progress.update(n),
    });
  } catch (e) {
    progress.done();
    return fail(`the run failed: ${e instanceof Error ? e.message : String(e)}`);
  }
  progress.done();
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const alerts = result.canonical;
  if (args.out !== null)
    writeFileSync(args.out, alerts.map((a) => JSON.stringify(a)).join("\n") + (alerts.length ? "\n" : ""));
  const lines = ["", ...alertSample(alerts, plan.rules, args.sample), ""];
  const scores = scoreAlerts(plan.rules, alerts, labels ?? []);
  lines.push(
    labels === null
      ? "Per-rule summary:"
      : `Per-rule summary against ${labels.length} labels (${args.labels}):`,
  );
  lines.push(...summaryTable(scores, labels !== null), ...missedLine(scores), "");
  lines.push(...deadLetterLines(result.deadLetters), "");
  lines.push(...metricsSummary(result.stats, Number(seconds)), "");
  lines.push(
    `Done in ${seconds}s: ${result.stats.recordsIn.toLocaleString("en-US")} records in, ${alerts.length} alerts${args.out ? ` (written to ${args.out})` : ""}.`,
  );
  console.log(lines.join("\n"));
  return 0;
}

// CLI command `vigil replay`: compiles rules, runs them embedded (no Kafka) over JSONL files, prints
// a sample of alerts, a per-rule summary (precision and recall when labels are given) and the dead
// letters. `vigil replay examples/fraud` is the demo: it generates the data first when missing.
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { type Command, Option } from "commander";
import { renderDiagnostics } from "../../dsl/diagnostics/render.ts";
import { compileProgram } from "../../plan/compile.ts";
import { resolveParamOverrides } from "../../plan/params.ts";
import { type ReplayFlags, resolveReplayArgs } from "../replay/args.ts";
import { ALERT_FORMATS } from "../replay/output.ts";
import { runReplay } from "../replay/run-replay.ts";
import { type IncidentLabel, parseLabels } from "../replay/score.ts";
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
      .option(
        "--out <file>",
        "write every alert, in canonical order, to FILE (- for stdout; checked before the run)",
        nonEmpty,
      )
      .addOption(new Option("--format <format>", "format of --out").choices(ALERT_FORMATS).default("jsonl"))
      .option("--dead-letters <file>", "write every dead letter (JSONL, with its file and line)", nonEmpty)
      .option("--json", "print the summary as JSON (for CI) instead of the report")
      .option("--strict", "exit 1 on a warning (a stream with no input file, --data naming a file)")
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
  return runReplay(args, compiled.plan, labels, Object.fromEntries(params.values));
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

// CLI command `vigil explain <file...>`: compiles rule files (with includes) and prints the physical
// topology: Kafka Streams describe layout by default, or Mermaid, DOT, JSON. Bad input ends in
// rendered diagnostics and exit 1, never a stack trace.
import { type Command, InvalidArgumentError, Option } from "commander";
import { renderDiagnostics } from "../../dsl/diagnostics/render.ts";
import { compileProgram } from "../../plan/compile.ts";
import type { ProgramPlan } from "../../plan/plan.ts";
import { formatMs } from "../../plan/print-plan.ts";
import { buildTopology, DEFAULT_APP_ID } from "../../topology/build-topology.ts";
import { renderTopology, TOPOLOGY_FORMATS, type TopologyFormat } from "../../topology/describe.ts";
import type { CliCommand } from "../shared/cli-command.ts";
import { collect } from "../shared/options.ts";
import { unreadableRulesFiles } from "../shared/rules-files.ts";

interface ExplainOptions {
  readonly format: TopologyFormat;
  readonly app: string;
  readonly rule?: string[];
}

function appId(text: string): string {
  if (!/^[A-Za-z0-9._-]+$/.test(text))
    throw new InvalidArgumentError("may only use letters, digits, '.', '_' and '-'");
  return text;
}

export const command: CliCommand = {
  configure(cmd: Command) {
    cmd
      .argument("<files...>", "rule files")
      .addOption(
        new Option("--format <format>", "text (Kafka Streams describe layout), mermaid, dot or json")
          .choices(TOPOLOGY_FORMATS)
          .default("text"),
      )
      .option(
        "--app <id>",
        "application id (consumer group) that prefixes internal topics",
        appId,
        DEFAULT_APP_ID,
      )
      .option("--rule <name>", "only this rule (repeatable)", collect)
      .addHelpText(
        "after",
        "\nPrints the physical topology of the rules: sub-topologies (split at repartition topics), sources,\nprocessors with their state stores, sinks, internal topics and co-partitioning requirements.\nExit status: 0 on success, 1 when the rules have errors, 2 on bad usage.",
      );
  },
  run: (files, opts) => explain(files, opts as unknown as ExplainOptions),
};

/** Keeps only the named rules; returns the names that do not exist. */
function selectRules(plan: ProgramPlan, names: readonly string[]): { plan: ProgramPlan; missing: string[] } {
  if (names.length === 0) return { plan, missing: [] };
  const missing = names.filter((n) => !plan.rules.some((r) => r.name === n));
  return { plan: { ...plan, rules: plan.rules.filter((r) => names.includes(r.name)) }, missing };
}

/**
 * Each stream's event time: its field, lateness and `idle after` (how long a quiet partition holds
 * event time back before the worker decides it is idle; docs/runtime.md).
 */
function describeEventTime(plan: ProgramPlan): string {
  const lines = ["", "Event time:"];
  for (const s of plan.streams) {
    const time = s.timeField === null ? "the record timestamp" : s.timeField;
    const idle =
      s.idleAfterMs === undefined
        ? "idle after the worker's default (vigil run --idle-after; 60s)"
        : `idle after ${formatMs(s.idleAfterMs)}`;
    lines.push(`  ${s.name} (topic ${s.topic}): ${time}, lateness ${formatMs(s.latenessMs)}, ${idle}`);
  }
  return `${lines.join("\n")}\n`;
}

async function explain(files: string[], args: ExplainOptions): Promise<number> {
  const unreadable = unreadableRulesFiles(files);
  for (const p of unreadable) console.error(`vigil explain: ${p}`);
  if (unreadable.length > 0) return 1;
  const result = compileProgram(files);
  if (result.diagnostics.length > 0) {
    console.error(`${renderDiagnostics(result.diagnostics, (f) => result.sources.get(f))}\n`);
  }
  if (result.plan === null) return 1;
  const { plan, missing } = selectRules(result.plan, args.rule ?? []);
  if (missing.length > 0) {
    const known = result.plan.rules.map((r) => r.name).join(", ") || "none";
    console.error(
      `vigil explain: no rule named ${missing.map((m) => `'${m}'`).join(", ")} (rules: ${known})`,
    );
    return 1;
  }
  try {
    process.stdout.write(renderTopology(buildTopology(plan, args.app), args.format));
    if (args.format === "text") process.stdout.write(describeEventTime(plan));
    return 0;
  } catch (e) {
    console.error(`vigil explain: cannot build the topology: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
}

// CLI command `vigil explain <file...>`: compiles rule files (with includes) and prints the physical
// topology: Kafka Streams describe layout by default, or Mermaid, DOT, JSON. Bad input ends in
// rendered diagnostics and exit 1, never a stack trace.
import { renderDiagnostics } from "../../dsl/diagnostics/render.ts";
import { compileProgram } from "../../plan/compile.ts";
import type { ProgramPlan } from "../../plan/plan.ts";
import { buildTopology, DEFAULT_APP_ID } from "../../topology/build-topology.ts";
import { renderTopology, TOPOLOGY_FORMATS, type TopologyFormat } from "../../topology/describe.ts";

const USAGE = `Usage: vigil explain <file.vigil>... [--format text|mermaid|dot|json] [--app <id>] [--rule <name>]...

Prints the physical topology of the rules: sub-topologies (split at repartition topics), sources,
processors with their state stores, sinks, internal topics and co-partitioning requirements.
  --format   text (Kafka Streams describe layout, default), mermaid, dot or json
  --app      application id (consumer group) that prefixes internal topics (default: ${DEFAULT_APP_ID})
  --rule     only these rules (repeatable)
Exit status: 0 on success, 1 when the rules have errors, 2 on bad usage.`;

interface ExplainArgs {
  readonly files: string[];
  readonly format: TopologyFormat;
  readonly app: string;
  readonly rules: string[];
}

/** Parses argv; returns an error message on bad usage. */
export function parseExplainArgs(argv: readonly string[]): ExplainArgs | string {
  const files: string[] = [];
  const rules: string[] = [];
  let format: TopologyFormat = "text";
  let app = DEFAULT_APP_ID;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] =
      arg.startsWith("--") && arg.includes("=") ? arg.split(/=(.*)/s, 2) : [arg, undefined];
    const value = (): string | undefined => inline ?? argv[++i];
    if (flag === "--format") {
      const v = value();
      if (!TOPOLOGY_FORMATS.includes(v as TopologyFormat)) return `unknown format '${v ?? ""}'`;
      format = v as TopologyFormat;
    } else if (flag === "--app") {
      const v = value();
      if (v === undefined || !/^[A-Za-z0-9._-]+$/.test(v)) return `bad application id '${v ?? ""}'`;
      app = v;
    } else if (flag === "--rule") {
      const v = value();
      if (v === undefined) return "--rule needs a rule name";
      rules.push(v);
    } else if (arg.startsWith("-")) return `unknown option ${arg}`;
    else files.push(arg);
  }
  if (files.length === 0) return "no rule file given";
  return { files, format, app, rules };
}

/** Keeps only the named rules; returns the names that do not exist. */
function selectRules(plan: ProgramPlan, names: readonly string[]): { plan: ProgramPlan; missing: string[] } {
  if (names.length === 0) return { plan, missing: [] };
  const missing = names.filter((n) => !plan.rules.some((r) => r.name === n));
  return { plan: { ...plan, rules: plan.rules.filter((r) => names.includes(r.name)) }, missing };
}

export async function run(argv: string[]): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    console.log(USAGE);
    return 0;
  }
  const args = parseExplainArgs(argv);
  if (typeof args === "string") {
    console.error(`vigil explain: ${args}\n\n${USAGE}`);
    return 2;
  }
  const result = compileProgram(args.files);
  if (result.diagnostics.length > 0) {
    console.error(`${renderDiagnostics(result.diagnostics, (f) => result.sources.get(f))}\n`);
  }
  if (result.plan === null) return 1;
  const { plan, missing } = selectRules(result.plan, args.rules);
  if (missing.length > 0) {
    const known = result.plan.rules.map((r) => r.name).join(", ") || "none";
    console.error(
      `vigil explain: no rule named ${missing.map((m) => `'${m}'`).join(", ")} (rules: ${known})`,
    );
    return 1;
  }
  try {
    process.stdout.write(renderTopology(buildTopology(plan, args.app), args.format));
    return 0;
  } catch (e) {
    console.error(`vigil explain: cannot build the topology: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
}

// CLI command `vigil check <files...>`: compiles rule files (with their includes) as one program and
// prints diagnostics to stderr. Exit 0 when there is no error, 1 otherwise, 2 on bad usage.
// Never a stack trace on user input: an internal fault is a V2999 diagnostic (stack with --debug).
import { renderDiagnostics } from "../../dsl/diagnostics/render.ts";
import { compileProgram } from "../../plan/compile.ts";
import { printPlan } from "../../plan/print-plan.ts";

const USAGE = `Usage: vigil check [--plan] [--debug] <file.vigil>...

Checks rule files and everything they include, as one program.
  --plan    also print the logical plan (the checked, lowered rules) to stdout
  --debug   show the stack of an internal compiler error
Exit status: 0 when clean (warnings allowed), 1 when there are errors, 2 on bad usage.`;

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

export async function run(argv: string[]): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    console.log(USAGE);
    return 0;
  }
  const debug = argv.includes("--debug");
  const unknown = argv.filter((a) => a.startsWith("-") && a !== "--debug" && a !== "--plan");
  const files = argv.filter((a) => !a.startsWith("-"));
  if (unknown.length > 0 || files.length === 0) {
    console.error(unknown.length > 0 ? `vigil check: unknown option ${unknown[0]}\n\n${USAGE}` : USAGE);
    return 2;
  }
  const result = compileProgram(files);
  if (result.diagnostics.length > 0) {
    console.error(renderDiagnostics(result.diagnostics, (f) => result.sources.get(f)));
    console.error("");
  }
  if (debug && result.internalError !== undefined) console.error(result.internalError);
  if (argv.includes("--plan") && result.plan !== null) process.stdout.write(printPlan(result.plan));
  const errors = result.diagnostics.filter((d) => d.severity === "error").length;
  const warnings = result.diagnostics.length - errors;
  const summary = `${plural(result.files.length, "file")} checked, ${plural(errors, "error")}${warnings > 0 ? `, ${plural(warnings, "warning")}` : ""}`;
  if (errors > 0) console.error(summary);
  else console.log(summary);
  return errors > 0 ? 1 : 0;
}

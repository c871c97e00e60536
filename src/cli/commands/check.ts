// CLI command `vigil check <files or dirs...>`: compiles rule files (with their includes; a directory
// means its *.vigil files) as one program and prints diagnostics to stderr. Exit 0 when there is no
// error, 1 otherwise (an unreadable input is an error), 2 on bad usage.
// Never a stack trace on user input: an internal fault is a V2999 diagnostic (stack with --debug).
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { renderDiagnostics } from "../../dsl/diagnostics/render.ts";
import { compileProgram } from "../../plan/compile.ts";
import { printPlan } from "../../plan/print-plan.ts";

const USAGE = `Usage: vigil check [--plan] [--debug] <file.vigil | dir>...

Checks rule files and everything they include, as one program (a directory: its *.vigil files).
  --plan    also print the logical plan (the checked, lowered rules) to stdout
  --debug   show the stack of an internal compiler error
Exit status: 0 when clean (warnings allowed), 1 when there are errors, 2 on bad usage.`;

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function reason(e: unknown): string {
  const code = (e as { code?: unknown }).code;
  if (code === "ENOENT") return "no such file or directory";
  if (code === "EACCES") return "permission denied";
  return e instanceof Error ? e.message : String(e);
}

/** The inputs' texts (a directory: its *.vigil files, sorted) and one message per unreadable input. */
function readInputs(args: readonly string[]): {
  inputs: { path: string; text: string }[];
  problems: string[];
} {
  const inputs: { path: string; text: string }[] = [];
  const problems: string[] = [];
  const readOne = (path: string): void => {
    try {
      inputs.push({ path, text: readFileSync(path, "utf8") });
    } catch (e) {
      problems.push(`cannot read file ${path}: ${reason(e)}`);
    }
  };
  for (const arg of args) {
    let isDir = false;
    try {
      isDir = statSync(arg).isDirectory();
    } catch (e) {
      problems.push(`cannot read file ${arg}: ${reason(e)}`);
      continue;
    }
    if (!isDir) readOne(arg);
    else {
      const found = readdirSync(arg)
        .filter((f) => f.endsWith(".vigil"))
        .sort();
      if (found.length === 0) problems.push(`cannot read directory ${arg}: it has no .vigil files`);
      for (const f of found) readOne(join(arg, f));
    }
  }
  return { inputs, problems };
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
  const { inputs, problems } = readInputs(files);
  for (const p of problems) console.error(`error: ${p}`);
  if (problems.length > 0) console.error("");
  const result = compileProgram(inputs);
  if (result.diagnostics.length > 0) {
    console.error(renderDiagnostics(result.diagnostics, (f) => result.sources.get(f)));
    console.error("");
  }
  if (debug && result.internalError !== undefined) console.error(result.internalError);
  if (argv.includes("--plan") && result.plan !== null) process.stdout.write(printPlan(result.plan));
  const errors = problems.length + result.diagnostics.filter((d) => d.severity === "error").length;
  const warnings = result.diagnostics.length - (errors - problems.length);
  const summary = `${plural(result.files.length, "file")} checked, ${plural(errors, "error")}${warnings > 0 ? `, ${plural(warnings, "warning")}` : ""}`;
  if (errors > 0) console.error(summary);
  else console.log(summary);
  return errors > 0 ? 1 : 0;
}

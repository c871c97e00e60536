// CLI command `vigil check <files or dirs...>`: compiles rule files (with their includes; a directory
// means its *.vigil files) as one program and prints diagnostics to stderr. Exit 0 when there is no
// error, 1 otherwise (an unreadable input is an error), 2 on bad usage.
// Never a stack trace on user input: an internal fault is a V2999 diagnostic (stack with --debug).
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { renderDiagnostics } from "../../dsl/diagnostics/render.ts";
import { compileProgram } from "../../plan/compile.ts";
import { printPlan } from "../../plan/print-plan.ts";
import type { CliCommand } from "../shared/cli-command.ts";
import { readFailure } from "../shared/rules-files.ts";

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
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
      problems.push(`cannot read rules file ${path}: ${readFailure(e)}`);
    }
  };
  for (const arg of args) {
    let isDir = false;
    try {
      isDir = statSync(arg).isDirectory();
    } catch (e) {
      problems.push(`cannot read rules file ${arg}: ${readFailure(e)}`);
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

export const command: CliCommand = {
  configure(cmd: Command) {
    cmd
      .argument("<paths...>", "rule files or directories (a directory: its *.vigil files)")
      .option("--plan", "also print the logical plan (the checked, lowered rules) to stdout")
      .option("--debug", "show the stack of an internal compiler error")
      .addHelpText(
        "after",
        "\nChecks rule files and everything they include, as one program.\nExit status: 0 when clean (warnings allowed), 1 when there are errors, 2 on bad usage.",
      );
  },
  run: (files, opts) => check(files, opts as { plan?: boolean; debug?: boolean }),
};

async function check(files: readonly string[], opts: { plan?: boolean; debug?: boolean }): Promise<number> {
  const debug = opts.debug === true;
  const { inputs, problems } = readInputs(files);
  for (const p of problems) console.error(`error: ${p}`);
  if (problems.length > 0) console.error("");
  const result = compileProgram(inputs);
  if (result.diagnostics.length > 0) {
    console.error(renderDiagnostics(result.diagnostics, (f) => result.sources.get(f)));
    console.error("");
  }
  if (debug && result.internalError !== undefined) console.error(result.internalError);
  if (opts.plan === true && result.plan !== null) process.stdout.write(printPlan(result.plan));
  const errors = problems.length + result.diagnostics.filter((d) => d.severity === "error").length;
  const warnings = result.diagnostics.length - (errors - problems.length);
  const summary = `${plural(result.files.length, "file")} checked, ${plural(errors, "error")}${warnings > 0 ? `, ${plural(warnings, "warning")}` : ""}`;
  if (errors > 0) console.error(summary);
  else console.log(summary);
  return errors > 0 ? 1 : 0;
}

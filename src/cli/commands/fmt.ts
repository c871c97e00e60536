// CLI command `vigil fmt [--check] <files...>`: rewrites rule files in the canonical layout.
// With --check, only reports the files that would change (exit 1 if any). A file with syntax errors
// is left untouched and its diagnostics are printed (exit 1).
import { readFileSync, writeFileSync } from "node:fs";
import type { Command } from "commander";
import { renderDiagnostics } from "../../dsl/diagnostics/render.ts";
import { format } from "../../dsl/format/format.ts";
import type { CliCommand } from "../shared/cli-command.ts";
import { readFailure } from "../shared/rules-files.ts";

type Outcome = "unchanged" | "changed" | "error";

function formatFile(file: string, check: boolean): Outcome {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    console.error(`vigil fmt: cannot read rules file ${file}: ${readFailure(e)}`);
    return "error";
  }
  const result = format(text, file);
  if (result.output === null) {
    console.error(renderDiagnostics(result.diagnostics, () => text));
    return "error";
  }
  if (result.output === text) return "unchanged";
  if (check) console.log(`would reformat ${file}`);
  else writeFileSync(file, result.output);
  return "changed";
}

export const command: CliCommand = {
  configure(cmd: Command) {
    cmd
      .argument("<files...>", "rule files, formatted in place (comments kept)")
      .option("--check", "do not write; list files that are not formatted, exit 1 if any")
      .addHelpText(
        "after",
        "\nExit status: 0 when every file is (now) formatted, 1 on syntax errors or --check differences, 2 on bad usage.",
      );
  },
  async run(files, opts) {
    const check = opts["check"] === true;
    const outcomes = files.map((f) => formatFile(f, check));
    if (outcomes.includes("error")) return 1;
    return check && outcomes.includes("changed") ? 1 : 0;
  },
};

// CLI command `vigil fmt [--check] <files...>`: rewrites rule files in the canonical layout.
// With --check, only reports the files that would change (exit 1 if any). A file with syntax errors
// is left untouched and its diagnostics are printed (exit 1).
import { readFileSync, writeFileSync } from "node:fs";
import { renderDiagnostics } from "../../dsl/diagnostics/render.ts";
import { format } from "../../dsl/format/format.ts";

const USAGE = `Usage: vigil fmt [--check] <file.vigil>...

Formats rule files in place, canonically (comments kept).
  --check   do not write; list files that are not formatted, exit 1 if any
Exit status: 0 when every file is (now) formatted, 1 on syntax errors or --check differences, 2 on bad usage.`;

type Outcome = "unchanged" | "changed" | "error";

function formatFile(file: string, check: boolean): Outcome {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    console.error(`vigil fmt: cannot read ${file}: ${e instanceof Error ? e.message : String(e)}`);
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

export async function run(argv: string[]): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    console.log(USAGE);
    return 0;
  }
  const check = argv.includes("--check");
  const unknown = argv.filter((a) => a.startsWith("-") && a !== "--check");
  const files = argv.filter((a) => !a.startsWith("-"));
  if (unknown.length > 0 || files.length === 0) {
    console.error(unknown.length > 0 ? `vigil fmt: unknown option ${unknown[0]}\n\n${USAGE}` : USAGE);
    return 2;
  }
  const outcomes = files.map((f) => formatFile(f, check));
  if (outcomes.includes("error")) return 1;
  return check && outcomes.includes("changed") ? 1 : 0;
}

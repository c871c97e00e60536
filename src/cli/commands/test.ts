// CLI command `vigil test <files or dirs...>`: runs rule test files (`*.vigil-test`, docs/testing.md;
// a directory is searched recursively). Prints PASS/FAIL per test with a diff for each failure, then
// `N passed, N failed`. Exit 0 when all pass, 1 when a test fails, 2 on bad usage, an unreadable or
// malformed test file, or rules that do not compile.
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { RulesCompileError } from "../../testing/compile-rules.ts";
import { TestFileError } from "../../testing/test-file/parse.ts";
import { renderCase } from "../../testing/test-file/report.ts";
import { runTestFile } from "../../testing/test-file/run-file.ts";
import type { CliCommand } from "../shared/cli-command.ts";
import { readFailure } from "../shared/rules-files.ts";

const EXTENSION = ".vigil-test";

function findTestFiles(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .flatMap((e) => {
      if (e.name.startsWith(".") || e.name === "node_modules") return [];
      const p = join(path, e.name);
      if (e.isDirectory()) return findTestFiles(p);
      return e.name.endsWith(EXTENSION) ? [p] : [];
    });
}

export const command: CliCommand = {
  configure(cmd: Command) {
    cmd
      .argument("<paths...>", `test files or directories (a directory: every *${EXTENSION} file under it)`)
      .option("--quiet", "print only failures and the summary")
      .addHelpText(
        "after",
        "\nRuns rule test files: inputs per stream with times, expected outputs per topic (docs/testing.md).\nExit status: 0 when every test passes, 1 when one fails, 2 on bad usage or a bad test file.",
      );
  },
  run: (paths, opts) => runTests(paths, opts["quiet"] === true),
};

async function runTests(paths: readonly string[], quiet: boolean): Promise<number> {
  let files: string[] = [];
  let broken = 0;
  for (const p of paths) {
    try {
      files.push(...findTestFiles(p));
    } catch (e) {
      console.error(`error: cannot read ${p}: ${readFailure(e)}`);
      broken++;
    }
  }
  files = [...new Set(files)];
  if (files.length === 0 && broken === 0) {
    console.error(`vigil test: no ${EXTENSION} files under ${paths.join(", ")}`);
    return 2;
  }
  let passed = 0;
  let failed = 0;
  for (const file of files) {
    try {
      const result = await runTestFile(file);
      for (const c of result.cases) {
        const ok = c.mismatches.length === 0;
        if (ok) passed++;
        else failed++;
        if (!ok || !quiet) console.log(renderCase(result, c));
      }
    } catch (e) {
      if (!(e instanceof TestFileError || e instanceof RulesCompileError || isReadError(e))) throw e;
      broken++;
      const message = e instanceof RulesCompileError ? `${file}: ${e.message}` : (e as Error).message;
      console.error(`error: ${message}`);
    }
  }
  const errors = broken > 0 ? `, ${broken} file${broken === 1 ? "" : "s"} with errors` : "";
  console.log(`\n${passed} passed, ${failed} failed${errors}`);
  return broken > 0 ? 2 : failed > 0 ? 1 : 0;
}

function isReadError(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return code === "ENOENT" || code === "EACCES" || code === "EISDIR";
}

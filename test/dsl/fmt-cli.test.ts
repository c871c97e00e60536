// `vigil fmt` command: rewrites files, --check reports without writing, syntax errors exit 1.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { runCli } from "../../src/cli/program.ts";

const run = (argv: string[]): Promise<number> => runCli(["fmt", ...argv], { out: () => {}, err: () => {} });

/** Runs with console output silenced; returns the exit code. */
async function quiet(argv: string[]): Promise<number> {
  const { log, error } = console;
  console.log = () => {};
  console.error = () => {};
  try {
    return await run(argv);
  } finally {
    console.log = log;
    console.error = error;
  }
}

test("vigil fmt: --check, rewrite, then clean", async () => {
  const dir = mkdtempSync(join(tmpdir(), "vigil-fmt-"));
  const file = join(dir, "a.vigil");
  writeFileSync(file, "param  x=1   -- one\nparam y = 2");
  assert.equal(await quiet(["--check", file]), 1);
  assert.equal(readFileSync(file, "utf8"), "param  x=1   -- one\nparam y = 2", "--check must not write");
  assert.equal(await quiet([file]), 0);
  assert.equal(readFileSync(file, "utf8"), "param x = 1  -- one\nparam y = 2\n");
  assert.equal(await quiet(["--check", file]), 0);
});

test("vigil fmt: syntax errors leave the file untouched and exit 1", async () => {
  const dir = mkdtempSync(join(tmpdir(), "vigil-fmt-"));
  const file = join(dir, "bad.vigil");
  writeFileSync(file, "param = 1");
  assert.equal(await quiet([file]), 1);
  assert.equal(readFileSync(file, "utf8"), "param = 1");
  assert.equal(await quiet([join(dir, "missing.vigil")]), 1);
});

test("vigil fmt: usage errors exit 2", async () => {
  assert.equal(await quiet([]), 2);
  assert.equal(await quiet(["--bogus", "a.vigil"]), 2);
  assert.equal(await quiet(["--help"]), 0);
});

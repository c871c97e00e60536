// CLI: `vigil test` runs the fraud example tests (all pass), fails with a diff that names the rule
// and the input lines when one expected value is changed, and exits 2 on a malformed test file.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { runCli } from "../../src/cli/program.ts";

const run = (argv: string[]): Promise<number> => runCli(["test", ...argv]);

const ROOT = resolve(fileURLToPath(import.meta.url), "../../..");
const EXAMPLE = join(ROOT, "examples/fraud/tests/card_testing.vigil-test");

/** Runs the command in-process, capturing what it prints. */
async function vigilTest(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = console.log;
  const error = console.error;
  console.log = (...a: unknown[]) => void out.push(a.join(" "));
  console.error = (...a: unknown[]) => void err.push(a.join(" "));
  try {
    const code = await run(args);
    return { code, out: out.join("\n"), err: err.join("\n") };
  } finally {
    console.log = log;
    console.error = error;
  }
}

/** A copy of the card_testing example in a temporary folder, its rules path made absolute, edited by `edit`. */
function copyExample(edit: (text: string) => string): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), "vigil-test-cmd-"));
  const text = readFileSync(EXAMPLE, "utf8").replace(
    /^rules (.+)$/m,
    (_, p: string) => `rules ${resolve(join(ROOT, "examples/fraud/tests"), p)}`,
  );
  const file = join(dir, "card_testing.vigil-test");
  writeFileSync(file, edit(text));
  return { dir, file };
}

test("`vigil test examples/fraud/tests` passes every example test and exits 0", () => {
  const r = spawnSync(
    process.execPath,
    [join(ROOT, "bin/vigil.mjs"), "test", "--quiet", "examples/fraud/tests"],
    {
      cwd: ROOT,
      encoding: "utf8",
    },
  );
  assert.equal(r.status, 0, r.stdout + r.stderr);
  const m = /(\d+) passed, 0 failed/.exec(r.stdout);
  assert.ok(m, r.stdout);
  assert.ok(Number(m[1]) >= 5, `ran ${m[1]} tests`);
});

test("one changed expected value fails with a diff naming the field, the rule and the input lines", async () => {
  const original = readFileSync(EXAMPLE, "utf8");
  assert.match(original, /"small_count": 3, "small_total"/, "the example still has the line this test edits");
  const { dir, file } = copyExample((t) =>
    t.replace('"small_count": 3, "small_total"', '"small_count": 4, "small_total"'),
  );
  try {
    const r = await vigilTest([file]);
    assert.equal(r.code, 1, r.out + r.err);
    const lines = original.split("\n");
    const expectLine = lines.findIndex((l) => l.includes('"small_count": 3')) + 1;
    const testLine = lines.findIndex((l) => l.startsWith("test three tiny charges")) + 1;
    assert.match(r.out, new RegExp(`FAIL .*card_testing\\.vigil-test:${testLine} three tiny charges`));
    assert.match(r.out, new RegExp(`expect alerts \\(line ${expectLine}\\): no output matches`));
    assert.match(r.out, /- expected: \{.*"small_count":4/);
    assert.match(r.out, /\+ actual: +\{.*"small_count":3/);
    assert.match(r.out, /small_count: expected 4, got 3/);
    assert.match(r.out, /from rule card_testing \(.*dsl\/lib\/fraud\/card_testing\.vigil:\d+\)/);
    for (const id of ["p1", "p2", "p3", "p4"])
      assert.match(r.out, new RegExp(`line \\d+: in payments at .*"payment_id": "${id}"`));
    assert.match(r.out, /4 passed, 1 failed/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("an output where none is expected is reported with its rule; a bad line exits 2 with file:line", async () => {
  const { dir, file } = copyExample((t) =>
    t.replace(
      /in payments at 10:05:00 \{ "amount": 900 \}/,
      'in payments at 10:05:00 { "amount": 0.9 }\n  in payments at 10:06:00 { "amount": 900 }',
    ),
  );
  try {
    const r = await vigilTest([file]);
    assert.equal(r.code, 1, r.out + r.err);
    assert.match(
      r.out,
      /FAIL .*two tiny charges are not enough\n {2}unexpected output on alerts:\n {2}\+ actual: +\{"rule":"card_testing"/,
    );
    writeFileSync(
      file,
      readFileSync(file, "utf8").replace(
        '  in payments at 10:00:00 { "amount": 0.5 }',
        '  in payments at 25:99 { "amount": 0.5 }',
      ),
    );
    const bad = await vigilTest([file]);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /card_testing\.vigil-test:\d+: bad time 25:99/);
    assert.equal((await vigilTest([])).code, 2);
    assert.equal((await vigilTest([join(dir, "missing")])).code, 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// `vigil check` end to end: exit codes, the summary line, rendered diagnostics on stderr, and no
// stack trace on user input.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

function vigilCheck(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ["--import", "tsx", "src/cli/main.ts", "check", ...args], {
    cwd: ROOT,
    encoding: "utf8",
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test("the fraud library checks clean: exit 0 and a summary", () => {
  const files = ["streams", "velocity_1h", "mule_chain"].map((f) => `dsl/lib/fraud/${f}.vigil`);
  const r = vigilCheck(...files);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.trim(), "3 files checked, 0 errors");
  const withPlan = vigilCheck("--plan", ...files);
  assert.match(withPlan.stdout, /^stream payments topic "payments"/);
  assert.match(withPlan.stdout, /rule mule_chain\n {2}source activity as activity/);
});

test("errors: exit 1, file:line:col, caret, code and hint on stderr, no stack trace", () => {
  const dir = mkdtempSync(join(tmpdir(), "vigil-check-"));
  const file = join(dir, "bad.vigil");
  writeFileSync(
    file,
    'stream s from topic "s" key id schema { id: string, amount: float }\nrule r from s where amout > 1 emit to "o" { id }\n',
  );
  const r = vigilCheck(file);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /bad\.vigil:2:21: error\[V2002\]: unknown field `amout` in stream `s`/);
  assert.match(r.stderr, /\n {22}\^{5}\n/);
  assert.match(r.stderr, /hint: did you mean `amount`\?/);
  assert.match(r.stderr, /1 file checked, 1 error/);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
});

test("a missing file is a diagnostic; no files is a usage error", () => {
  const missing = vigilCheck("does/not/exist.vigil");
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /cannot read rules file does\/not\/exist\.vigil: no such file or directory/);
  assert.match(missing.stderr, /0 files checked, 1 error/);
  assert.doesNotMatch(missing.stderr, /\n\s+at /);
  const none = vigilCheck();
  assert.equal(none.code, 2);
  assert.match(none.stderr, /missing required argument/);
});

test("a directory means its .vigil files", () => {
  const r = vigilCheck("dsl/lib/fraud");
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.trim(), "16 files checked, 0 errors");
});

// Checker conformance: every dsl/conformance/check/valid/*.vigil compiles cleanly and its plan dump
// equals the golden `.plan`; every invalid/*.vigil gives errors whose rendering equals the golden
// `.diagnostics`. VIGIL_UPDATE_GOLDENS=1 rewrites the goldens on purpose.
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { renderDiagnostics } from "../../../src/dsl/diagnostics/render.ts";
import { compileProgram } from "../../../src/plan/compile.ts";
import { printPlan } from "../../../src/plan/print-plan.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const DIR = "dsl/conformance/check";
const UPDATE = process.env["VIGIL_UPDATE_GOLDENS"] === "1";

function readFromRoot(path: string): string | undefined {
  try {
    return readFileSync(join(ROOT, path), "utf8");
  } catch {
    return undefined;
  }
}

function vigilFiles(sub: string): string[] {
  return readdirSync(join(ROOT, DIR, sub))
    .filter((f) => f.endsWith(".vigil"))
    .sort()
    .map((f) => `${DIR}/${sub}/${f}`);
}

function compareGolden(goldenPath: string, actual: string): void {
  const abs = join(ROOT, goldenPath);
  if (UPDATE || !existsSync(abs)) {
    writeFileSync(abs, actual);
    if (!UPDATE) assert.fail(`golden ${goldenPath} was missing; written now (review and commit it)`);
    return;
  }
  assert.equal(
    actual,
    readFileSync(abs, "utf8"),
    `golden ${goldenPath} differs (VIGIL_UPDATE_GOLDENS=1 rewrites)`,
  );
}

for (const file of vigilFiles("valid")) {
  test(`valid: ${file}`, () => {
    const result = compileProgram([file], { readFile: readFromRoot });
    const rendered = renderDiagnostics(result.diagnostics, (f) => result.sources.get(f));
    assert.equal(result.diagnostics.length, 0, rendered);
    assert.ok(result.plan);
    compareGolden(file.replace(/\.vigil$/, ".plan"), printPlan(result.plan));
  });
}

for (const file of vigilFiles("invalid")) {
  test(`invalid: ${file}`, () => {
    const result = compileProgram([file], { readFile: readFromRoot });
    assert.equal(result.plan, null);
    assert.ok(result.diagnostics.some((d) => d.severity === "error"));
    for (const d of result.diagnostics) {
      assert.match(d.code, /^V\d{4}$/);
      assert.ok(d.span.line >= 1 && d.span.col >= 1);
    }
    const rendered = `${renderDiagnostics(result.diagnostics, (f) => result.sources.get(f))}\n`;
    compareGolden(file.replace(/\.vigil$/, ".diagnostics"), rendered);
  });
}

test("the fraud library checks clean as one program", () => {
  const files = readdirSync(join(ROOT, "dsl/lib/fraud"))
    .filter((f) => f.endsWith(".vigil"))
    .sort()
    .map((f) => `dsl/lib/fraud/${f}`);
  const result = compileProgram(files, { readFile: readFromRoot });
  assert.deepEqual(result.diagnostics, []);
  assert.equal(result.plan?.rules.length, 11);
  assert.equal(result.plan?.streams.length, 2);
  assert.equal(result.plan?.tables.length, 2);
});

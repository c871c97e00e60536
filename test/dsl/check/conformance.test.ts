// Checker conformance: every dsl/conformance/check/valid/*.vigil compiles cleanly and its plan dump
// equals the golden `.plan`; every invalid/*.vigil gives errors whose rendering equals the golden
// `.diagnostics`. VIGIL_UPDATE_GOLDENS=1 rewrites the goldens on purpose.
import assert from "node:assert/strict";
import { test } from "node:test";
import { renderDiagnostics } from "../../../src/dsl/diagnostics/render.ts";
import { compileProgram } from "../../../src/plan/compile.ts";
import { printPlan } from "../../../src/plan/print-plan.ts";
import { compareGolden, goldenFor, readFromRoot, vigilFiles } from "../../support/goldens.ts";

const DIR = "dsl/conformance/check";

for (const file of vigilFiles(`${DIR}/valid`)) {
  test(`valid: ${file}`, () => {
    const result = compileProgram([file], { readFile: readFromRoot });
    const rendered = renderDiagnostics(result.diagnostics, (f) => result.sources.get(f));
    assert.equal(result.diagnostics.length, 0, rendered);
    assert.ok(result.plan);
    compareGolden(goldenFor(file, ".plan"), printPlan(result.plan));
  });
}

for (const file of vigilFiles(`${DIR}/invalid`)) {
  test(`invalid: ${file}`, () => {
    const result = compileProgram([file], { readFile: readFromRoot });
    assert.equal(result.plan, null);
    assert.ok(result.diagnostics.some((d) => d.severity === "error"));
    for (const d of result.diagnostics) {
      assert.match(d.code, /^V\d{4}$/);
      assert.ok(d.span.line >= 1 && d.span.col >= 1);
    }
    const rendered = `${renderDiagnostics(result.diagnostics, (f) => result.sources.get(f))}\n`;
    compareGolden(goldenFor(file, ".diagnostics"), rendered);
  });
}

test("the fraud library checks clean as one program", () => {
  const files = vigilFiles("dsl/lib/fraud");
  const result = compileProgram(files, { readFile: readFromRoot });
  assert.deepEqual(result.diagnostics, []);
  assert.equal(result.plan?.rules.length, 15);
  assert.equal(result.plan?.streams.length, 2);
  assert.equal(result.plan?.tables.length, 2);
});

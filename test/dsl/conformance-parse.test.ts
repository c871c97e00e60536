// Golden tests: every dsl/conformance/parse/*.vigil file has syntax errors; its rendered diagnostics
// must equal the *.diagnostics file next to it. VIGIL_UPDATE_GOLDENS=1 rewrites the goldens.
import assert from "node:assert/strict";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { renderDiagnostics } from "../../src/dsl/diagnostics/render.ts";
import { parse } from "../../src/dsl/parse.ts";

const DIR = "dsl/conformance/parse";
const UPDATE = process.env.VIGIL_UPDATE_GOLDENS === "1";

for (const name of readdirSync(DIR)
  .filter((f) => f.endsWith(".vigil"))
  .sort()) {
  test(`conformance/parse: ${name}`, () => {
    const file = join(DIR, name);
    const text = readFileSync(file, "utf8");
    const { diagnostics } = parse(text, file);
    assert.ok(diagnostics.length > 0, `${file} is expected to have syntax errors`);
    const actual = `${renderDiagnostics(diagnostics, () => text)}\n`;
    const goldenPath = file.replace(/\.vigil$/, ".diagnostics");
    if (UPDATE) writeFileSync(goldenPath, actual);
    assert.equal(actual, readFileSync(goldenPath, "utf8"));
  });
}

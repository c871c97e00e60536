// Topology conformance: every dsl/conformance/check/valid/*.vigil has a golden `.topology` beside
// its `.plan`: the Kafka Streams describe text of its topology (app id `vigil`). The JSON form must
// agree with the model. VIGIL_UPDATE_GOLDENS=1 rewrites the goldens on purpose.
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { compileProgram } from "../../src/plan/compile.ts";
import { buildTopology, renderTopology } from "../../src/topology/index.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const DIR = "dsl/conformance/check/valid";
const UPDATE = process.env["VIGIL_UPDATE_GOLDENS"] === "1";

function readFromRoot(path: string): string | undefined {
  try {
    return readFileSync(join(ROOT, path), "utf8");
  } catch {
    return undefined;
  }
}

const files = readdirSync(join(ROOT, DIR))
  .filter((f) => f.endsWith(".vigil"))
  .sort()
  .map((f) => `${DIR}/${f}`);

test("there are valid conformance files to describe", () => {
  assert.ok(files.length > 0);
});

for (const file of files) {
  test(`topology: ${file}`, () => {
    const result = compileProgram([file], { readFile: readFromRoot });
    assert.ok(result.plan, `${file} compiles`);
    const topology = buildTopology(result.plan, "vigil");
    const text = renderTopology(topology, "text");
    assert.deepEqual(JSON.parse(renderTopology(topology, "json")), JSON.parse(JSON.stringify(topology)));
    const golden = join(ROOT, file.replace(/\.vigil$/, ".topology"));
    if (UPDATE || !existsSync(golden)) {
      writeFileSync(golden, text);
      if (!UPDATE) assert.fail(`golden ${golden} was missing; written now (review and commit it)`);
      return;
    }
    assert.equal(
      text,
      readFileSync(golden, "utf8"),
      `golden ${golden} differs (VIGIL_UPDATE_GOLDENS=1 rewrites)`,
    );
  });
}

// Topology conformance: every dsl/conformance/check/valid/*.vigil has a golden `.topology` beside
// its `.plan`: the Kafka Streams describe text of its topology (app id `vigil`). The JSON form must
// agree with the model. VIGIL_UPDATE_GOLDENS=1 rewrites the goldens on purpose.
import assert from "node:assert/strict";
import { test } from "node:test";
import { compileProgram } from "../../src/plan/compile.ts";
import { buildTopology, renderTopology } from "../../src/topology/index.ts";
import { compareGolden, goldenFor, readFromRoot, vigilFiles } from "../support/goldens.ts";

const files = vigilFiles("dsl/conformance/check/valid");

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
    compareGolden(goldenFor(file, ".topology"), text);
  });
}

// A table and a stream declared on one topic: the embedded input filed under either name fills the
// topic (a table declared first with no input of its own used to leave the stream's input unread).
import assert from "node:assert/strict";
import { test } from "node:test";
import { compileProgram } from "../../src/plan/compile.ts";
import { runEmbedded } from "../../src/runtime/embedded-runner.ts";

const SOURCE = `table persons_by_id from topic "people"
  key id
  format json
  schema { id: int, name: string }

stream persons from topic "people"
  key id
  format json
  schema { id: int, name: string, ts: timestamp }
  event time ts, lateness 0s

rule all_persons
  from persons
  emit to "out" { id, name }
`;

test("a stream sharing its topic with a table reads the input given under the stream's name", async () => {
  const compiled = compileProgram([{ path: "shared.vigil", text: SOURCE }]);
  assert.ok(compiled.plan, JSON.stringify(compiled.diagnostics));
  const rows = [1, 2, 3].map((id) => ({ id, name: `p${id}`, ts: 1_000 * id }));
  for (const name of ["persons", "people"]) {
    const result = await runEmbedded({ plan: compiled.plan, inputs: { records: { [name]: rows } } });
    assert.deepEqual(
      result.outputs.map((o) => o.value),
      rows.map(({ id, name: n }) => ({ id, name: n })),
      `input filed under ${name}`,
    );
  }
});

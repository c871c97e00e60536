// fmt over every rule file in dsl/ that parses (the fraud library, conformance inputs): idempotent,
// tree-preserving, comment-preserving.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { format } from "../../src/dsl/format/format.ts";
import { parse } from "../../src/dsl/parse.ts";
import { printAst } from "../../src/dsl/print-ast.ts";

function vigilFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return vigilFiles(path);
    return e.name.endsWith(".vigil") ? [path] : [];
  });
}

test("fmt keeps every parseable rule file in dsl/", () => {
  let checked = 0;
  for (const file of vigilFiles("dsl").sort()) {
    const text = readFileSync(file, "utf8");
    const before = parse(text, file);
    if (before.diagnostics.length > 0) continue;
    const once = format(text, file).output;
    assert.ok(once !== null, file);
    const after = parse(once, file);
    assert.deepEqual(after.diagnostics, [], file);
    assert.equal(
      printAst(after.program, { comments: false }),
      printAst(before.program, { comments: false }),
      file,
    );
    assert.deepEqual(
      after.program.comments.map((c) => c.text).sort(),
      before.program.comments.map((c) => c.text).sort(),
      file,
    );
    assert.equal(format(once, file).output, once, `${file}: not idempotent`);
    checked++;
  }
  assert.ok(checked > 0);
});

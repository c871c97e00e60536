// The rule library is canonically formatted: `vigil fmt --check` of every .vigil file under dsl/lib
// finds nothing to change (so examples users copy are already in house style).
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { format } from "../../../src/dsl/format/format.ts";

const LIB = resolve(dirname(fileURLToPath(import.meta.url)), "../../../dsl/lib");

function vigilFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return vigilFiles(path);
    return e.name.endsWith(".vigil") ? [path] : [];
  });
}

test("every .vigil file under dsl/lib is fmt-clean", () => {
  const files = vigilFiles(LIB);
  assert.ok(files.length >= 12, `found ${files.length} files`);
  for (const file of files) {
    const text = readFileSync(file, "utf8");
    const { output } = format(text, file);
    assert.equal(output, text, `${file} is not formatted: run \`vigil fmt ${file}\``);
  }
});

// Golden-file support for the conformance tests: the repository root, a reader for compileProgram,
// the .vigil files of a conformance folder, and the compare-or-rewrite step for one golden.
// VIGIL_UPDATE_GOLDENS=1 rewrites every golden on purpose; a missing golden is written and fails.
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const UPDATE = process.env["VIGIL_UPDATE_GOLDENS"] === "1";

/** A repo-relative file's text, or undefined when it cannot be read (compileProgram's `readFile`). */
export function readFromRoot(path: string): string | undefined {
  try {
    return readFileSync(join(ROOT, path), "utf8");
  } catch {
    return undefined;
  }
}

/** The `.vigil` files directly in the repo-relative folder `dir`, sorted, as repo-relative paths. */
export function vigilFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir))
    .filter((f) => f.endsWith(".vigil"))
    .sort()
    .map((f) => `${dir}/${f}`);
}

/** The golden beside `vigilFile` with extension `ext` (`.plan`, `.topology`, ...). */
export function goldenFor(vigilFile: string, ext: string): string {
  return vigilFile.replace(/\.vigil$/, ext);
}

/** Asserts `actual` equals the repo-relative golden; writes it instead when updating or missing. */
export function compareGolden(goldenPath: string, actual: string): void {
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

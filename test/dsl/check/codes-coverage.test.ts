// Every checker diagnostic code is exercised: it appears in a golden diagnostic file or in the
// checker's table tests, so no code is dead and each has an example of its rendering.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { CHECK_CODES } from "../../../src/dsl/diagnostics/check-codes.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
/** Codes that no valid input should reach (internal faults). */
const UNREACHABLE = new Set(["V2999"]);

test("every checker code appears in a golden or a checker test", () => {
  const goldens = join(ROOT, "dsl/conformance/check/invalid");
  const texts = [
    ...readdirSync(goldens)
      .filter((f) => f.endsWith(".diagnostics"))
      .map((f) => readFileSync(join(goldens, f), "utf8")),
    readFileSync(join(ROOT, "test/dsl/check/checker.test.ts"), "utf8"),
    readFileSync(join(ROOT, "test/dsl/check/never-crash.property.test.ts"), "utf8"),
  ].join("\n");
  const missing = Object.keys(CHECK_CODES).filter((c) => !UNREACHABLE.has(c) && !texts.includes(c));
  assert.deepEqual(missing, []);
});

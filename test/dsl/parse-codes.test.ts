// Every parser diagnostic code is exercised by a syntax-error golden or a table test.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { PARSE_CODES } from "../../src/dsl/diagnostics/parse-codes.ts";

test("every V1xxx code is exercised", () => {
  const goldens = readdirSync("dsl/conformance/parse")
    .filter((f) => f.endsWith(".diagnostics"))
    .map((f) => readFileSync(join("dsl/conformance/parse", f), "utf8"));
  const tests = readdirSync("test/dsl")
    .filter((f) => f.endsWith(".test.ts") && f !== "parse-codes.test.ts")
    .map((f) => readFileSync(join("test/dsl", f), "utf8"));
  const corpus = [...goldens, ...tests].join("\n");
  // V1099 is the internal-error fallback: no valid input reaches it.
  const missing = Object.keys(PARSE_CODES).filter((code) => code !== "V1099" && !corpus.includes(code));
  assert.deepEqual(missing, []);
});

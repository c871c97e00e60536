// Properties of the DSL front end: any input ends in diagnostics (never a throw), diagnostics point
// inside the text, fmt is idempotent and parse(fmt(x)) equals parse(x) modulo spans.
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import type { Diagnostic } from "../../src/dsl/diagnostics/diagnostic.ts";
import { renderDiagnostic } from "../../src/dsl/diagnostics/render.ts";
import { format } from "../../src/dsl/format/format.ts";
import { parse } from "../../src/dsl/parse.ts";
import { printAst } from "../../src/dsl/print-ast.ts";
import { mutated, program, spread, tokenSoup, withComments } from "./arbitraries.ts";

const SEED = 20261123;

function checkDiagnostics(text: string, diagnostics: readonly Diagnostic[]): void {
  for (const d of diagnostics) {
    assert.ok(
      d.span.start >= 0 && d.span.start <= d.span.end && d.span.end <= text.length,
      JSON.stringify(d.span),
    );
    assert.ok(d.span.line >= 1 && d.span.col >= 1);
    assert.match(d.code, /^V\d{4}$/);
    const rendered = renderDiagnostic(d, text);
    assert.ok(rendered.startsWith(`f.vigil:${d.span.line}:${d.span.col}: error[${d.code}]: `), rendered);
    assert.ok(rendered.includes("^"));
  }
  assert.ok(diagnostics.length <= 101);
}

/** When `text` parses cleanly: fmt is idempotent and keeps the tree and the comments. */
function checkFormat(text: string): void {
  const before = parse(text, "f.vigil");
  const first = format(text, "f.vigil");
  if (before.diagnostics.length > 0) {
    assert.equal(first.output, null);
    return;
  }
  assert.ok(first.output !== null);
  const after = parse(first.output, "f.vigil");
  assert.deepEqual(after.diagnostics, [], `fmt output does not parse:\n${first.output}`);
  assert.equal(printAst(after.program, { comments: false }), printAst(before.program, { comments: false }));
  const texts = (p: typeof before) => p.program.comments.map((c) => c.text).sort();
  assert.deepEqual(texts(after), texts(before));
  assert.equal(format(first.output, "f.vigil").output, first.output, "fmt is not idempotent");
}

test("property: generated valid programs parse cleanly, and fmt keeps them", () => {
  fc.assert(
    fc.property(program, (text) => {
      const r = parse(text, "f.vigil");
      assert.deepEqual(r.diagnostics, [], text);
      checkFormat(text);
    }),
    { seed: SEED, numRuns: 300 },
  );
});

test("property: comments anywhere: fmt keeps them and stays idempotent", () => {
  fc.assert(
    fc.property(fc.oneof(withComments(program), withComments(spread)), (text) => checkFormat(text)),
    { seed: SEED, numRuns: 300 },
  );
});

test("property: token soups never throw and end in well-formed diagnostics", () => {
  fc.assert(
    fc.property(tokenSoup, (text) => {
      const r = parse(text, "f.vigil");
      checkDiagnostics(text, r.diagnostics);
      checkFormat(text);
    }),
    { seed: SEED, numRuns: 500 },
  );
});

test("property: mutated valid programs never throw", () => {
  fc.assert(
    fc.property(mutated, (text) => {
      const r = parse(text, "f.vigil");
      checkDiagnostics(text, r.diagnostics);
      checkFormat(text);
    }),
    { seed: SEED, numRuns: 500 },
  );
});

test("large and pathological inputs end in diagnostics", { timeout: 20_000 }, () => {
  const inputs = [
    "rule r from s where ".concat("a + ".repeat(50_000), '1 emit to "o" { a }'),
    "(".repeat(100_000),
    "{".repeat(100_000),
    `stream s from topic "t" schema ${"{ a: ".repeat(10_000)}`,
    "not ".repeat(100_000),
    "-".repeat(100_001),
    '"'.repeat(100_001),
    "rule r\n".repeat(20_000),
    "\u0000".repeat(100_000),
  ];
  for (const text of inputs) {
    const r = parse(text, "f.vigil");
    checkDiagnostics(text, r.diagnostics);
  }
  const wide = parse("rule r from s where ".concat("a + ".repeat(50_000), '1 emit to "o" { a }'), "f");
  assert.deepEqual(
    wide.diagnostics.map((d) => d.code),
    ["V1014"],
  );
  const ok = parse("rule r from s where ".concat("a + ".repeat(150), '1 emit to "o" { a }'), "f");
  assert.deepEqual(ok.diagnostics, []);
});

// Diagnostics renderer: echoed source lines are safe to print (no control characters) and short
// (clipped around the span on long lines), with the caret under the span.
import assert from "node:assert/strict";
import { test } from "node:test";
import { diagnostic } from "../../src/dsl/diagnostics/catalogue.ts";
import { renderDiagnostic } from "../../src/dsl/diagnostics/render.ts";
import { isControl, sourceExcerpt, WINDOW } from "../../src/dsl/diagnostics/render-line.ts";
import { parse } from "../../src/dsl/parse.ts";
import { SourceFile } from "../../src/dsl/span.ts";

test("control characters in the echoed line and message are made visible", () => {
  const text = 'rule a\n  from p \u001b[2J\u001b]0;pwned\u0007 where x = "\u001b[31m"\n';
  const out = parse(text, "e.vigil")
    .diagnostics.map((d) => renderDiagnostic(d, text))
    .join("\n");
  assert.ok(out.length > 0);
  assert.ok(![...out].some((c) => isControl(c.charCodeAt(0))), JSON.stringify(out));
  assert.match(out, /from p ␛\[2J␛\]0;pwned␇/);
});

test("the caret stays under the span after escaping", () => {
  const e = sourceExcerpt("a\u001bb\u202ec x", 6, 1);
  assert.equal(e.text, "a␛b<U+202E>c x");
  assert.equal(e.caret, `${" ".repeat(13)}^`);
  assert.equal(e.text[e.caret.indexOf("^")], "x");
});

test("a long line is clipped to a window around the span with … markers", () => {
  const line = `${"a".repeat(5000)}BAD${"b".repeat(5000)}`;
  const e = sourceExcerpt(line, 5000, 3);
  assert.ok(e.text.length <= WINDOW + 2, String(e.text.length));
  assert.ok(e.text.startsWith("…") && e.text.endsWith("…"));
  const at = e.caret.indexOf("^");
  assert.equal(e.text.slice(at, at + 3), "BAD");
  assert.equal(e.caret.trim(), "^^^");
  const start = sourceExcerpt(line, 2, 1);
  assert.ok(!start.text.startsWith("…") && start.text.endsWith("…"));
  assert.equal(start.caret, "  ^");
  const end = sourceExcerpt(line, line.length - 1, 1);
  assert.ok(end.text.startsWith("…") && !end.text.endsWith("…"));
  assert.equal(end.text[end.caret.indexOf("^")], "b");
  const wide = sourceExcerpt(line, 10, 9000);
  assert.ok(wide.text.length <= WINDOW + 2);
  assert.equal(wide.caret.length, wide.text.length - 1);
});

test("renderDiagnostic clips a 500k-character line", () => {
  const text = `param x = ${"1 + ".repeat(130_000)}#`;
  const d = diagnostic("V1001", new SourceFile("l.vigil", text).span(text.length - 1, text.length), {
    char: "`#`",
    hint: "",
  });
  const out = renderDiagnostic(d, text);
  assert.ok(out.length < 400, String(out.length));
  const [, src, caret] = out.split("\n");
  assert.equal(src![caret!.indexOf("^")], "#");
});

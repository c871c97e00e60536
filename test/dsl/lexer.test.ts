// Lexer: token kinds, values, durations, comments, and bad input as diagnostics.
import assert from "node:assert/strict";
import { test } from "node:test";
import { lex } from "../../src/dsl/lexer/lexer.ts";
import { SourceFile } from "../../src/dsl/span.ts";

function tokens(text: string): string {
  return lex(new SourceFile("<stdin>", text))
    .tokens.filter((t) => t.kind !== "eof")
    .map((t) => `${t.kind}:${t.text}${t.value === null ? "" : `=${JSON.stringify(t.value)}`}${t.unit ?? ""}`)
    .join(" ");
}

function lexErrors(text: string): string {
  return lex(new SourceFile("<stdin>", text))
    .diagnostics.map((d) => `${d.span.line}:${d.span.col}: ${d.code}: ${d.message}`)
    .join("\n");
}

test("lexer: tokens", () => {
  const cases: [string, string][] = [
    ["abc _x a1", "ident:abc ident:_x ident:a1"],
    ["42 1_000", "int:42=42 int:1_000=1000"],
    ["1.5 2e3 1.5e-3 3E+2", "float:1.5=1.5 float:2e3=2000 float:1.5e-3=0.0015 float:3E+2=300"],
    [
      "500ms 30s 10m 1h 7d",
      "duration:500ms=500ms duration:30s=30s duration:10m=10m duration:1h=1h duration:7d=7d",
    ],
    ['"a\\"b\\n\\u{41}"', 'string:"a\\"b\\n\\u{41}"="a\\"b\\nA"'],
    [
      "-> ->> == != <> <= >= < > =",
      "punct:-> punct:->> punct:== punct:!= punct:<> punct:<= punct:>= punct:< punct:> punct:=",
    ],
    ["a.b(c, d)", "ident:a punct:. ident:b punct:( ident:c punct:, ident:d punct:)"],
    [
      "x{2,} y+ z* w?",
      "ident:x punct:{ int:2=2 punct:, punct:} ident:y punct:+ ident:z punct:* ident:w punct:?",
    ],
    ["a - b -- comment", "ident:a punct:- ident:b"],
    ["1.x", "int:1=1 punct:. ident:x"],
    ["", ""],
  ];
  for (const [input, expected] of cases) assert.equal(tokens(input), expected, input);
});

test("lexer: comments are kept with their trailing flag", () => {
  const r = lex(new SourceFile("f", "-- head\nparam x = 1 -- why  \n"));
  assert.deepEqual(
    r.comments.map((c) => [c.text, c.trailing, c.span.line, c.span.col]),
    [
      [" head", false, 1, 1],
      [" why", true, 2, 13],
    ],
  );
});

test("lexer: firstOnLine marks the first token of each line", () => {
  const r = lex(new SourceFile("f", "rule a\n  from b c"));
  assert.deepEqual(
    r.tokens.map((t) => t.firstOnLine),
    [true, false, true, false, false, false],
  );
});

test("lexer: errors", () => {
  const cases: [string, string][] = [
    ["a ; b", "1:3: V1001: unexpected character `;`"],
    ["'x'", "1:1: V1006: strings use double quotes: `'x'`"],
    ["'x", "1:1: V1001: unexpected character `'`"],
    ['"abc', "1:1: V1002: unterminated string"],
    ['"a\nb"', "1:1: V1002: unterminated string\n2:2: V1002: unterminated string"],
    ['"\\q"', "1:2: V1003: invalid escape `\\q` in string"],
    ["10min", "1:3: V1005: unknown duration unit `min`"],
    ["1.5h", "1:1: V1008: a duration takes a whole number: `1.5h`"],
    ["1.5x", "1:1: V1004: invalid number `1.5x`"],
    ["1h30m", "1:1: V1007: a duration takes one unit: `1h30m`"],
    ["5toString", "1:2: V1005: unknown duration unit `toString`"],
    ["99999999999999999999", "1:1: V1004: invalid number `99999999999999999999`"],
    ["1_", "1:1: V1004: invalid number `1_`"],
    ["a\u0001b", "1:2: V1001: unexpected character U+0001"],
    ["é", "1:1: V1001: unexpected character `é`"],
  ];
  for (const [input, expected] of cases) assert.equal(lexErrors(input), expected, input);
});

test("lexer: lexing continues after an error", () => {
  assert.equal(tokens("a ; b"), "ident:a ident:b");
});

test("lexer: a file with a NUL byte or invalid UTF-8 is one V1019, not an error per byte", () => {
  const binary = `rule a\n  from b\u0000\u0001\u0002${"\u0000".repeat(500)}`;
  assert.equal(lexErrors(binary), "2:9: V1019: not a text file: it contains a NUL byte");
  const decoded = new TextDecoder().decode(new Uint8Array([0x72, 0x75, 0xff, 0xfe, 0x20, 0x22, 0xc3]));
  assert.equal(lexErrors(decoded), "1:3: V1019: not a text file: it is not valid UTF-8");
  assert.deepEqual(
    lex(new SourceFile("f", binary)).tokens.map((t) => t.kind),
    ["eof"],
  );
});

test("lexer: a fractional duration is one V1008 suggesting whole units, read as that duration", () => {
  const r = lex(new SourceFile("f", "window tumbling 1.5h"));
  assert.deepEqual(
    r.diagnostics.map((d) => [d.code, d.message, d.hint]),
    [["V1008", "a duration takes a whole number: `1.5h`", "write `90m`"]],
  );
  assert.equal(tokens("0.5s 2.5d"), "duration:0.5s=500ms duration:2.5d=60h");
  assert.match(lexErrors("1.0005s"), /V1008/);
  assert.equal(
    lex(new SourceFile("f", "1.0005s")).diagnostics[0]?.hint,
    "durations are whole numbers of a unit: 500ms, 30s, 10m, 1h or 7d",
  );
});

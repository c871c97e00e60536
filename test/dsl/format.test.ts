// fmt: canonical output for each construct, comments kept, idempotence on hand-written files.
import assert from "node:assert/strict";
import { test } from "node:test";
import { format } from "../../src/dsl/format/format.ts";
import { parse } from "../../src/dsl/parse.ts";
import { printAst } from "../../src/dsl/print-ast.ts";

function fmt(input: string): string {
  const r = format(input, "<stdin>");
  assert.ok(r.output !== null, `does not parse: ${input}\n${JSON.stringify(r.diagnostics)}`);
  return r.output;
}

function expectPrinted(input: string, expected: string): void {
  const out = fmt(input);
  assert.equal(out, expected);
  assert.equal(fmt(out), out, "not idempotent");
  assert.equal(
    printAst(parse(out, "<stdin>").program, { comments: false }),
    printAst(parse(input, "<stdin>").program, { comments: false }),
  );
}

test("fmt: expressions keep their tree with minimal parentheses", () => {
  const cases: [string, string][] = [
    ["1+2*3", "1 + 2 * 3"],
    ["(1+2)*3", "(1 + 2) * 3"],
    ["1-(2-3)", "1 - (2 - 3)"],
    ["(1-2)-3", "1 - 2 - 3"],
    ["- (-a)", "- -a"],
    ["-(a+b)", "-(a + b)"],
    ["not (a and b)", "not (a and b)"],
    ["(not a) and b", "not a and b"],
    ["(a or b) and c", "(a or b) and c"],
    ["(a = b) = c", "(a = b) = c"],
    ["a == b", "a = b"],
    ["a <> b", "a != b"],
    ["x not in (1,2)", "x not in (1, 2)"],
    ["x between 1 and 2+3", "x between 1 and 2 + 3"],
    ["(x between 1 and 2) = true", "(x between 1 and 2) = true"],
    ["x is not null", "x is not null"],
    ["count( distinct m )", "count(distinct m)"],
    ["last(s).ts", "last(s).ts"],
    ["(a + b).c", "(a + b).c"],
    ["2.0", "2.0"],
    ["1e21", "1e+21"],
    ['"a\\"b\\\\c\\n\\u{1}"', '"a\\"b\\\\c\\n\\u{1}"'],
    ["1_000", "1000"],
  ];
  for (const [input, expected] of cases) expectPrinted(`param p = ${input}`, `param p = ${expected}\n`);
});

test("fmt: a stream, canonical option order", () => {
  expectPrinted(
    'stream s from topic "t" lateness 5s, schema { a: string?, b: int = 5, g: { x: float }, t: array<string> } key a format json',
    `stream s from topic "t"
  key a
  format json
  schema { a: string?, b: int = 5, g: { x: float }, t: array<string> }
  lateness 5s
`,
  );
});

test("fmt: a schema goes one field per line when long or commented", () => {
  const long = Array.from({ length: 10 }, (_, i) => `field_${i}: string`).join(", ");
  expectPrinted(
    `table t from topic "t" key field_0 schema { ${long} }`,
    `table t from topic "t"\n  key field_0\n  schema {\n${Array.from({ length: 10 }, (_, i) => `    field_${i}: string${i < 9 ? "," : ""}`).join("\n")}\n  }\n`,
  );
  expectPrinted(
    'table t from topic "t" key a schema { a: string, -- the key\n b: int -- a number\n }',
    'table t from topic "t"\n  key a\n  schema {\n    a: string,  -- the key\n    b: int      -- a number\n  }\n',
  );
  expectPrinted(
    'rule r from s emit to "o" { a, -- first\n -- about b\n b }',
    'rule r\n  from s\n  emit to "o" {\n    a,  -- first\n    -- about b\n    b\n  }\n',
  );
});

test("fmt: rules", () => {
  expectPrinted(
    `rule r from p as x join q on q.k = x.k within 5m grace 1s named "j" left join table c where a > 1
     partition by k, m named "pk" window session gap 30m grace 1s aggregate count() as n having n > 2 emit changes to "o" {k, n: n + 1}`,
    `rule r
  from p as x
  join q on q.k = x.k within 5m grace 1s named "j"
  left join table c
  where a > 1
  partition by k, m named "pk"
  window session gap 30m grace 1s
  aggregate count() as n
  having n > 2
  emit changes to "o" { k, n: n + 1 }
`,
  );
  expectPrinted(
    `rule r from p match a{2,} greedy consecutive: x until y -> b: any not followed by c: z within 1h after match skip to last a named "m" emit to "o" {}`,
    `rule r
  from p
  match a{2,} greedy consecutive: x until y
    -> b: any
    not followed by c: z
  within 1h
  skip to last a
  named "m"
  emit to "o" {}
`,
  );
  expectPrinted(
    `rule r from p match a: x > prev(x) -> b: y on timeout emit to "late" {k, at: a.ts} within 30m emit to "o" {k}`,
    `rule r
  from p
  match a: x > prev(x)
    -> b: y
  within 30m
  on timeout emit to "late" { k, at: a.ts }
  emit to "o" { k }
`,
  );
});

test("fmt: long lists wrap one item per line", () => {
  const fields = Array.from({ length: 12 }, (_, i) => `field_number_${i}`).join(", ");
  const out = fmt(`rule r from p emit to "o" { ${fields} }`);
  assert.match(out, /emit to "o" \{\n {4}field_number_0,\n/);
  assert.equal(fmt(out), out);
  const aggs = Array.from({ length: 6 }, (_, i) => `sum(amount_${i}) as total_${i}`).join(", ");
  const out2 = fmt(`rule r from p window tumbling 1h aggregate ${aggs} emit to "o" { x }`);
  assert.match(out2, /\n {2}aggregate\n {4}sum\(amount_0\) as total_0,\n/);
  assert.equal(fmt(out2), out2);
});

test("fmt: comments are kept, full-line and trailing", () => {
  const input = `-- header

param a = 1   -- why a
-- about b
param b = 2
rule r -- the rule
  from p
  -- filter
  where x > 1 -- first
    and y < 2 -- second
  emit to "o" { x } -- out
-- the end
`;
  const out = fmt(input);
  assert.equal(
    out,
    `-- header

param a = 1  -- why a
-- about b
param b = 2

rule r  -- the rule
  from p
  -- filter
  where x > 1 and y < 2  -- first
  -- second
  emit to "o" { x }  -- out
-- the end
`,
  );
  assert.equal(fmt(out), out);
});

test("fmt: long conditions break before each top-level and/or; and under or is parenthesised", () => {
  const long = "amount >= structuring_threshold * (1 - structuring_margin)";
  expectPrinted(
    `rule r from s where kind = "transfer" and ${long} and amount < structuring_threshold emit to "o" { x }`,
    `rule r\n  from s\n  where kind = "transfer"\n    and ${long}\n    and amount < structuring_threshold\n  emit to "o" { x }\n`,
  );
  expectPrinted("param p = a and b or c", "param p = (a and b) or c\n");
  expectPrinted(
    `rule r from s match a: any -> b: kind = "cashout" and ${long} and amount < structuring_threshold until x emit to "o" { x }`,
    `rule r\n  from s\n  match a: any\n    -> b: kind = "cashout"\n      and ${long}\n      and amount < structuring_threshold until x\n  emit to "o" { x }\n`,
  );
});

test("fmt: consecutive params and includes stay together", () => {
  expectPrinted(
    'include "a.vigil" include "b.vigil" param x = 1 param y = 2 param z = 3',
    'include "a.vigil"\ninclude "b.vigil"\n\nparam x = 1\nparam y = 2\nparam z = 3\n',
  );
});

test("fmt: empty and comment-only files", () => {
  assert.equal(fmt(""), "");
  assert.equal(fmt("\n\n"), "");
  assert.equal(fmt("-- only\n"), "-- only\n");
});

test("fmt: refuses input with syntax errors", () => {
  const r = format("param = 1", "f");
  assert.equal(r.output, null);
  assert.equal(r.diagnostics[0]?.code, "V1010");
});

test("fmt: `idle after` prints on the event-time line, after the lateness", () => {
  expectPrinted(
    'stream s from topic "t" idle after 5m schema { ts: timestamp } lateness 1s event time ts',
    'stream s from topic "t"\n  schema { ts: timestamp }\n  event time ts, lateness 1s, idle after 5m\n',
  );
});

// Parser, declarations and rules: the shape of the tree for each construct, and syntax errors.
import assert from "node:assert/strict";
import { test } from "node:test";
import { parse } from "../../src/dsl/parse.ts";
import { astOf, expectNoErrors, expectParseError, ruleWith } from "./helpers.ts";

/** The dump lines of `input` that contain `needle`, trimmed. */
function linesWith(input: string, needle: string): string[] {
  return astOf(input)
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l.includes(needle));
}

test("stream: options in any order, commas allowed", () => {
  const a = astOf(
    'stream s from topic "t" key k format json schema { k: string, ts: timestamp } event time ts, lateness 30s',
  );
  const b = astOf(
    'stream s from topic "t" lateness 30s, event time ts schema { k: string, ts: timestamp } format json key k',
  );
  assert.equal(a, b);
  assert.match(a, /StreamDecl name=s topic="t" key=k format=json eventTime=ts lateness=30s/);
});

test("schema: optional fields, defaults, nested records and arrays", () => {
  const fields = linesWith(
    'stream s from topic "t" schema { a: string?, b: int = 5, c: float? = 1.5, d: { x: float }, e: array<string>, f: array<{ y: int }>, }',
    "FieldDecl",
  );
  assert.deepEqual(fields, [
    "FieldDecl name=a type=string optional=true defaultValue=-",
    "FieldDecl name=b type=int optional=false defaultValue=5",
    "FieldDecl name=c type=float optional=true defaultValue=1.5f",
    "FieldDecl name=d optional=false defaultValue=-",
    "FieldDecl name=x type=float optional=false defaultValue=-",
    "FieldDecl name=e type=array<string> optional=false defaultValue=-",
    "FieldDecl name=f optional=false defaultValue=-",
    "FieldDecl name=y type=int optional=false defaultValue=-",
  ]);
});

test("table, param, include", () => {
  assert.match(
    astOf('table c from topic "c" key id schema { id: string }'),
    /TableDecl name=c topic="c" key=id/,
  );
  assert.equal(linesWith("param x = -5", "ParamDecl")[0], "ParamDecl name=x value=(- 5)");
  assert.equal(linesWith('include "lib/a.vigil"', "Include")[0], 'IncludeDecl path="lib/a.vigil"');
});

test("rule: every clause", () => {
  const dump = astOf(`rule r
    from payments as p
    join logins as l on l.user = p.user within 5m grace 1s named "j1"
    left join table cards as c named "cards"
    where amount > 0
    partition by card_id, merchant named "by_card"
    window hopping 1h advance 10m grace 10s named "w"
    aggregate count() as n, count(distinct merchant) as m
    having n > 3
    emit changes to "out" { card_id, n, total: n * 2 }`);
  for (const expected of [
    "FromClause stream=payments alias=p",
    'StreamJoinClause joinType=inner stream=logins alias=l on=(= l.user p.user) within=5m grace=1s named="j1"',
    'TableJoinClause joinType=left table=cards alias=c on=- named="cards"',
    "WhereClause condition=(> amount 0)",
    'PartitionClause keys=[card_id, merchant] named="by_card"',
    'WindowClause grace=10s named="w" having=(> n 3)',
    "HoppingWindow size=1h advance=10m",
    "AggregateItem expr=(call count distinct merchant) name=m",
    'EmitClause mode=changes topic="out"',
    "EmitField name=total value=(* n 2)",
  ]) {
    assert.ok(dump.includes(expected), `missing ${expected} in\n${dump}`);
  }
});

test("windows: every kind", () => {
  const kind = (w: string) => linesWith(ruleWith(`window ${w} aggregate count() as n`), "Window ")[0];
  assert.equal(kind("tumbling 1h"), "TumblingWindow size=1h");
  assert.equal(kind("sliding 500ms"), "SlidingWindow size=500ms");
  assert.equal(kind("hopping 1d advance 1h"), "HoppingWindow size=1d advance=1h");
  assert.equal(kind("session gap 30m"), "SessionWindow gap=30m");
});

test("keywords are contextual: clause words work as field names", () => {
  expectNoErrors(
    'stream s from topic "t" key key schema { key: string, time: timestamp, window: int, count: int }',
  );
  expectNoErrors(ruleWith('where window > 1 and count = 2 and key = "a"'));
  expectNoErrors(`${ruleWith("where match")}`);
});

test("rule errors", () => {
  expectParseError("rule r from s", "<stdin>:1:6: error[V1013]: rule `r` has no `emit` clause");
  expectParseError('rule r emit to "o" { x }', "<stdin>:1:6: error[V1013]: rule `r` has no `from` clause");
  expectParseError(
    'rule r from s partition by a where b emit to "o" { x }',
    "<stdin>:1:30: error[V1015]: `where` must come before `partition by`",
  );
  expectParseError(
    'rule r from s where a where b emit to "o" { x }',
    "<stdin>:1:23: error[V1012]: `where` is given twice in rule `r`",
  );
  expectParseError(
    'rule r from s emit to "o" { x } bogus',
    "<stdin>:1:33: error[V1010]: expected a rule clause (from, join, where, partition by, window, match, emit) or the next declaration, found `bogus`",
  );
  expectParseError(
    'rule r from s emit to "o" { x y }',
    "<stdin>:1:31: error[V1010]: expected `}`, found `y`",
  );
  expectParseError(
    "rule r from s emit to o { x }",
    "<stdin>:1:23: error[V1010]: expected an output topic in double quotes, found `o`",
  );
  expectParseError(
    'rule r from s join t on a = b emit to "o" { x }',
    "<stdin>:1:31: error[V1010]: expected `within`, found `emit`",
  );
  expectParseError(
    'rule r from s window sliding 1h emit to "o" { x }',
    "<stdin>:1:33: error[V1010]: expected `aggregate`, found `emit`",
  );
  expectParseError(
    'rule r from s window rolling 1h aggregate count() as n emit to "o" { x }',
    "<stdin>:1:22: error[V1010]: expected a window kind (`tumbling 1h`, `hopping 1h advance 10m`, `sliding 1h` or `session gap 30m`), found `rolling`",
  );
  expectParseError(
    'rule r from s window sliding 60 aggregate count() as n emit to "o" { x }',
    "<stdin>:1:30: error[V1010]: expected the window size (a duration such as 30s or 10m), found `60`",
  );
  expectParseError(
    'rule r from s window sliding 1h aggregate count() emit to "o" { x }',
    "<stdin>:1:51: error[V1010]: expected `as`, found `emit`",
  );
});

test("declaration errors", () => {
  expectParseError('stream s from topic "t"', "<stdin>:1:8: error[V1013]: stream `s` has no `schema`");
  expectParseError(
    'table c from topic "c" schema { a: int }',
    "<stdin>:1:7: error[V1013]: table `c` has no `key`",
  );
  expectParseError(
    'stream s from topic "t" key a key b schema { a: int }',
    "<stdin>:1:31: error[V1012]: `key` is given twice in stream `s`",
  );
  expectParseError(
    'stream s from "t" schema {}',
    '<stdin>:1:15: error[V1010]: expected `topic`, found `"t"`',
  );
  expectParseError(
    'stream s from topic "t" schema { a: int } lateness 5s keyed a',
    "<stdin>:1:55: error[V1010]: expected a stream option (`key`, `format`, `schema`, `event time`, `lateness`, `idle after`) or the next declaration, found `keyed`",
  );
  expectParseError(
    'stream s from topic "t" schema { a int }',
    "<stdin>:1:36: error[V1010]: expected `:`, found `int`",
  );
  expectParseError(
    'stream s from topic "t" schema { a: int b: int }',
    "<stdin>:1:41: error[V1010]: expected `}`, found `b`",
  );
  expectParseError("param = 1", "<stdin>:1:7: error[V1010]: expected a parameter name, found `=`");
  expectParseError("param x 1", "<stdin>:1:9: error[V1010]: expected `=`, found `1`");
  expectParseError(
    "include lib",
    "<stdin>:1:9: error[V1010]: expected a file path in double quotes, found `lib`",
  );
  expectParseError("streams s", "<stdin>:1:1: error[V1011]: expected a declaration, found `streams`");
  expectParseError("42", "<stdin>:1:1: error[V1011]: expected a declaration, found `42`");
});

test("recovery: every broken declaration is reported, good ones are kept", () => {
  const text = [
    "param a = ",
    "param b = 2",
    'rule r1 from s where x > emit to "o" { x }',
    'rule r2 from s emit to "o" { x }',
    "stream s from topic 5",
    "param c = 3",
  ].join("\n");
  const { program, diagnostics } = parse(text, "f.vigil");
  assert.deepEqual(
    program.decls.map((d) => `${d.kind}:${d.kind === "IncludeDecl" ? "" : (d.name?.name ?? "")}`),
    ["ErrorDecl:a", "ParamDecl:b", "ErrorDecl:r1", "RuleDecl:r2", "ErrorDecl:s", "ParamDecl:c"],
  );
  assert.deepEqual(
    diagnostics.map((d) => `${d.span.line}:${d.span.col} ${d.code}`),
    ["1:10 V1010", "3:26 V1010", "5:21 V1010"],
  );
});

test("recovery: errors are capped", () => {
  const { diagnostics } = parse("; ".repeat(500), "f");
  assert.equal(diagnostics.length, 101);
  assert.equal(diagnostics.at(-1)?.code, "V1018");
});

test("did-you-mean hints for misspelt keywords", () => {
  const hints = (input: string) => parse(input, "f").diagnostics.map((d) => d.hint ?? "");
  assert.match(
    hints('rule r\n  from s\n  wher a > 1\n  emit to "o" { a }')[0] ?? "",
    /did you mean `where`\?/,
  );
  assert.match(
    hints('stream s from topic "t" schema { a: int } lateneess 5s')[0] ?? "",
    /did you mean `lateness`\?/,
  );
  assert.match(hints("strem x")[0] ?? "", /did you mean `stream`\?/);
  assert.match(hints("params x = 1")[0] ?? "", /did you mean `param`\?/);
  assert.match(
    hints('rule r from s window slidin 1h aggregate count() as n emit to "o" { n }')[0] ?? "",
    /`sliding`/,
  );
  assert.deepEqual(hints("zebra"), [
    "a file holds `stream`, `table`, `param`, `rule` and `include` declarations",
  ]);
});

test("recovery resumes at a misspelt declaration word in column 1", () => {
  const { diagnostics } = parse('rule r from s wher x\nstrem s from topic "t"\nparam ok = 1', "f");
  assert.deepEqual(
    diagnostics.map((d) => `${d.span.line}:${d.span.col} ${d.code}`),
    ["1:15 V1010", "2:1 V1011"],
  );
});

test("emit: a dotted or called output needs a name", () => {
  expectParseError(
    'rule r from s emit to "o" { small.amount }',
    "<stdin>:1:34: error[V1010]: expected `:`, `,` or `}`, found `.`",
  );
  const d = parse('rule r from s emit to "o" { small.amount }', "f").diagnostics[0];
  assert.equal(d?.hint, "an output field needs a name of its own, e.g. `amount: small.amount`");
});

test("stream: `idle after DURATION` is a stream option, at most once, and reaches the plan", async () => {
  const a = astOf(
    'stream s from topic "t" schema { k: string, ts: timestamp } event time ts, lateness 30s, idle after 2m',
  );
  assert.match(a, /StreamDecl name=s topic="t" key=- format=- eventTime=ts lateness=30s idleAfter=2m/);
  expectParseError(
    'stream s from topic "t" schema { a: int } idle after 5s idle after 6s',
    "<stdin>:1:57: error[V1012]: `idle after` is given twice in stream `s`",
  );
  // `idle` not followed by `after` is not the option.
  expectParseError(
    'stream s from topic "t" schema { a: int } idle 5s',
    "<stdin>:1:43: error[V1010]: expected a stream option (`key`, `format`, `schema`, `event time`, `lateness`, `idle after`) or the next declaration, found `idle`",
  );
  const { compileProgram } = await import("../../src/plan/compile.ts");
  const text = 'stream s from topic "t" schema { k: string, ts: timestamp } event time ts, idle after 90s';
  const plan = compileProgram([{ path: "s.vigil", text }]).plan;
  assert.equal(plan?.streams[0]?.idleAfterMs, 90_000);
  const none = compileProgram([
    { path: "s.vigil", text: 'stream s from topic "t" schema { k: string }' },
  ]).plan;
  assert.equal(none?.streams[0]?.idleAfterMs, undefined);
});

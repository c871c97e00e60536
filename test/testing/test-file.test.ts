// Testing kit, test files: the `.vigil-test` parser (times, defaults, params, partitions, every
// error with file:line) and the comparison of expected and actual outputs.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { OutputRecord } from "../../src/core/record.ts";
import { compareResults, parseTestFile } from "../../src/testing/index.ts";
import { expandTimes, parseTime } from "../../src/testing/test-file/times.ts";

const DAY = Date.UTC(2026, 2, 1);

test("time notations: clock times of the file's date, +durations, ISO, epoch ms; @times inside JSON", () => {
  assert.equal(parseTime("10:05", DAY, null), DAY + 36_300_000);
  assert.equal(parseTime("10:05:30.25", DAY, null), DAY + 36_330_250);
  assert.equal(parseTime("+90s", DAY, 1_000), 91_000);
  assert.equal(parseTime("+2m", DAY, null), DAY + 120_000);
  assert.equal(parseTime("2026-03-01T10:00:00", DAY, null), Date.UTC(2026, 2, 1, 10));
  assert.equal(parseTime("2026-03-01T11:00:00+01:00", DAY, null), Date.UTC(2026, 2, 1, 10));
  assert.equal(parseTime("2026-02-01", DAY, null), Date.UTC(2026, 1, 1));
  assert.equal(parseTime("1234", DAY, null), 1234);
  for (const bad of ["24:00", "10:60", "+5x", "soon", "2026-13-01T00:00"])
    assert.equal(parseTime(bad, DAY, null), null, bad);
  assert.equal(
    expandTimes('{ "at": @10:00, "s": "@10:00 stays", "d": @2026-03-02 }', DAY),
    `{ "at": ${DAY + 36_000_000}, "s": "@10:00 stays", "d": ${DAY + 86_400_000} }`,
  );
  assert.throws(() => expandTimes('{ "at": @later }', DAY), /bad time @later/);
});

const FILE = `-- a comment
rules ../rules/r.vigil other.vigil
date 2026-03-01
partitions 2
param limit = 10
defaults payments { "card": "c1", "amount": 1 }

test first
  param limit = 3
  in payments at 10:00 { "amount": 5 }
  in payments at +30s partition 1 { "card": "c2" }
  in payments raw {oops
  in cards { "card": "c1", "opened": @2025-01-01 }
  expect alerts { "card": "c1", "at": @10:00 }
  expect other none
  expect dead-letter decode-error

test second
  expect alerts none
`;

test("a file: rules resolved from its folder, defaults merged, params and partitions per test", () => {
  const f = parseTestFile("/t/tests/a.vigil-test", FILE);
  assert.deepEqual(f.rules, ["/t/rules/r.vigil", "/t/tests/other.vigil"]);
  assert.equal(f.tests.length, 2);
  const [first, second] = f.tests;
  assert.deepEqual(first!.params, { limit: 3 });
  assert.deepEqual(second!.params, { limit: 10 });
  assert.equal(first!.partitions, 2);
  assert.deepEqual(
    first!.inputs.map((i) => [i.line, i.source, i.at, i.partition, i.row]),
    [
      [10, "payments", DAY + 36_000_000, null, { card: "c1", amount: 5 }],
      [11, "payments", DAY + 36_030_000, 1, { card: "c2", amount: 1 }],
      [12, "payments", null, null, "{oops"],
      [13, "cards", null, null, { card: "c1", opened: Date.UTC(2025, 0, 1) }],
    ],
  );
  assert.deepEqual(first!.outputs, [
    { line: 14, topic: "alerts", fields: { card: "c1", at: DAY + 36_000_000 } },
    { line: 15, topic: "other", fields: null },
  ]);
  assert.deepEqual(first!.deadLetters, [{ line: 16, reason: "decode-error", rule: null }]);
});

test("every error names the file and the line", () => {
  const cases: [string, RegExp][] = [
    ["rules r.vigil\ntest t\n  in payments at 10:00 {bad}", /x\.vigil-test:3: input record is not JSON/],
    ["rules r.vigil\ntest t\n  in payments at 9pm {}", /x\.vigil-test:3: bad time 9pm/],
    [
      "rules r.vigil\ntest t\n  in payments partition 1 {}",
      /x\.vigil-test:3: partition 1 out of range: the test has 1/,
    ],
    ["rules r.vigil\ntest t\n  expect alerts [1]", /x\.vigil-test:3: expected a JSON object/],
    ["rules r.vigil\ntest t\n  expect dead-letter lost", /x\.vigil-test:3: bad dead-letter reason lost/],
    ["rules r.vigil\ntest t\n  frobnicate", /x\.vigil-test:3: unknown statement `frobnicate`/],
    ["rules r.vigil\n\n  in payments {}", /x\.vigil-test:3: `in` goes inside a test/],
    ["test t", /x\.vigil-test:1: no `rules <file>` line before the first test/],
    ["rules r.vigil\nparam = 3", /x\.vigil-test:2: write `param <name> = <json value>`/],
    ["rules r.vigil\npartitions 0", /x\.vigil-test:2: bad partition count 0/],
    ["rules r.vigil", /x\.vigil-test:1: no tests/],
  ];
  for (const [text, pattern] of cases)
    assert.throws(() => parseTestFile("x.vigil-test", text), pattern, text);
});

const out = (value: Record<string, string | number>, topic = "alerts"): OutputRecord => ({
  topic,
  key: null,
  value,
  timestamp: 0,
  rule: "r",
});

test("comparison: expected fields are a subset; the closest actual is paired with its differing fields", () => {
  const f = parseTestFile(
    "x.vigil-test",
    `rules r.vigil\ntest t\n  expect alerts { "card": "a", "n": 2 }\n  expect alerts { "card": "b", "n": 9 }\n  expect dead-letter late-record r`,
  );
  const t = f.tests[0]!;
  assert.deepEqual(
    compareResults(
      t,
      [out({ card: "b", n: 3, x: 1 }), out({ card: "a", n: 2, x: 0 })],
      [
        {
          reason: "late-record",
          message: "",
          rule: "r",
          origin: { topic: "p", partition: 0, offset: 0 },
          raw: "",
          timestamp: 0,
        },
      ],
    ).map((m) => (m.kind === "missing" ? [m.kind, m.expected.line, m.diffs] : [m.kind])),
    [["missing", 4, [{ field: "n", expected: 9, actual: 3 }]]],
  );
  const extra = compareResults(
    t,
    [out({ card: "a", n: 2 }), out({ card: "b", n: 9 }), out({ z: 1 }, "other")],
    [],
  );
  assert.deepEqual(
    extra.map((m) => m.kind),
    ["unexpected", "missing-dead-letter"],
  );
});

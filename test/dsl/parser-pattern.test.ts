// Parser, patterns: connectors, negation, quantifiers and modifiers, until, within, skip, named.
import assert from "node:assert/strict";
import { test } from "node:test";
import { astOf, expectParseError, ruleWith } from "./helpers.ts";

/** The PatternStep dump lines of `match <steps>`. */
function steps(match: string): string[] {
  return astOf(ruleWith(`match ${match}`))
    .split("\n")
    .map((l) => l.trim())
    .filter(
      (l) =>
        l.startsWith("PatternStep") ||
        l.startsWith("Quantifier") ||
        l.startsWith("MatchClause") ||
        l.startsWith("SkipClause"),
    );
}

test("pattern: connectors", () => {
  assert.deepEqual(steps("a: x > 1 -> b: y next c: z ->> d: any followed by e: any followed by any f: any"), [
    "MatchClause within=- skip=- named=- onTimeout=- gap=- once=false",
    "PatternStep connector=- negated=false name=a quantifier=- condition=(> x 1) until=-",
    "PatternStep connector=relaxed negated=false name=b quantifier=- condition=y until=-",
    "PatternStep connector=strict negated=false name=c quantifier=- condition=z until=-",
    "PatternStep connector=non-deterministic negated=false name=d quantifier=- condition=- until=-",
    "PatternStep connector=relaxed negated=false name=e quantifier=- condition=- until=-",
    "PatternStep connector=non-deterministic negated=false name=f quantifier=- condition=- until=-",
  ]);
});

test("pattern: negation, including a trailing one", () => {
  assert.deepEqual(steps("a: any not next b: x = 1 -> c: any not followed by d: y within 10m").slice(1), [
    "PatternStep connector=- negated=false name=a quantifier=- condition=- until=-",
    "PatternStep connector=strict negated=true name=b quantifier=- condition=(= x 1) until=-",
    "PatternStep connector=relaxed negated=false name=c quantifier=- condition=- until=-",
    "PatternStep connector=relaxed negated=true name=d quantifier=- condition=y until=-",
  ]);
});

test("pattern: quantifiers and modifiers", () => {
  const q = (s: string) => steps(`a${s}: any`).find((l) => l.startsWith("Quantifier"));
  assert.equal(q("{3}"), "Quantifier form=exact min=3 max=3 greedy=false inner=relaxed longest=false");
  assert.equal(q("{2,5}"), "Quantifier form=range min=2 max=5 greedy=false inner=relaxed longest=false");
  assert.equal(q("{2,}"), "Quantifier form=at-least min=2 max=- greedy=false inner=relaxed longest=false");
  assert.equal(q("+"), "Quantifier form=plus min=1 max=- greedy=false inner=relaxed longest=false");
  assert.equal(q("*"), "Quantifier form=star min=0 max=- greedy=false inner=relaxed longest=false");
  assert.equal(q("?"), "Quantifier form=optional min=0 max=1 greedy=false inner=relaxed longest=false");
  assert.equal(q("+ greedy"), "Quantifier form=plus min=1 max=- greedy=true inner=relaxed longest=false");
  assert.equal(
    q("{3,} consecutive"),
    "Quantifier form=at-least min=3 max=- greedy=false inner=strict longest=false",
  );
  assert.equal(
    q("* combinations greedy"),
    "Quantifier form=star min=0 max=- greedy=true inner=non-deterministic longest=false",
  );
  assert.equal(q("+ longest"), "Quantifier form=plus min=1 max=- greedy=false inner=relaxed longest=true");
  assert.equal(
    q("{2,} longest consecutive"),
    "Quantifier form=at-least min=2 max=- greedy=false inner=strict longest=true",
  );
  assert.equal(q(""), undefined);
});

test("pattern: until, step aggregates, references to earlier steps", () => {
  assert.deepEqual(
    steps(
      "small+: amount < 2 and count(small) < 5 until amount > 100 -> big: amount > sum(small.amount) and ts - last(small).ts < 1m",
    ).slice(1, 4),
    [
      "PatternStep connector=- negated=false name=small condition=(and (< amount 2) (< (call count small) 5)) until=(> amount 100)",
      "Quantifier form=plus min=1 max=- greedy=false inner=relaxed longest=false",
      "PatternStep connector=relaxed negated=false name=big quantifier=- condition=(and (> amount (call sum small.amount)) (< (- ts (call last small).ts) 1m)) until=-",
    ],
  );
});

test("pattern: within, skip strategies and named, in any order", () => {
  const skip = (s: string) => steps(`a: any ${s}`).find((l) => l.startsWith("SkipClause"));
  const cases = [
    ["skip past last", "skip-past-last step=- orFail=false"],
    ["after match skip to next", "skip-to-next step=- orFail=false"],
    ["no skip", "no-skip step=- orFail=false"],
    ["after match no skip", "no-skip step=- orFail=false"],
    ["skip to first a", "skip-to-first step=a orFail=false"],
    ["skip to last a", "skip-to-last step=a orFail=false"],
    ["skip to first a or fail", "skip-to-first step=a orFail=true"],
    ["after match skip to last a or fail within 1h", "skip-to-last step=a orFail=true"],
  ] as const;
  for (const [text, want] of cases) assert.equal(skip(text), `SkipClause strategy=${want}`, text);
  assert.equal(
    steps('a: any named "p" skip to next within 1h')[0],
    'MatchClause within=1h named="p" onTimeout=- gap=- once=false',
  );
});

test("pattern: within ... between steps and match once", () => {
  assert.equal(
    steps("a: any -> b: any within 5m within 1m between steps")[0],
    "MatchClause within=5m skip=- named=- onTimeout=- gap=1m once=false",
  );
  assert.equal(
    steps("a: any within 1m between steps")[0],
    "MatchClause within=- skip=- named=- onTimeout=- gap=1m once=false",
  );
  assert.equal(steps("once a: any")[0], "MatchClause within=- skip=- named=- onTimeout=- gap=- once=true");
  // `once` before a colon is a step name, not the modifier.
  assert.equal(
    steps("once: any")[1],
    "PatternStep connector=- negated=false name=once quantifier=- condition=- until=-",
  );
  expectParseError(
    ruleWith("match a: any within 1m between events"),
    "<stdin>:1:46: error[V1010]: expected `steps`, found `events`",
  );
  expectParseError(
    ruleWith("match a: any within 1m between steps within 2m between steps"),
    "<stdin>:1:59: error[V1012]: `within ... between steps` is given twice in the pattern starting with step `a`",
  );
});

test("pattern: `or` after a skip target must be `or fail`", () => {
  expectParseError(
    ruleWith("match a: any -> b: any within 1m skip to first b or else"),
    "<stdin>:1:67: error[V1010]: expected `fail`, found `else`",
  );
});

test("pattern: on timeout emit, among the options", () => {
  const ast = astOf(ruleWith('match a: any -> b: any on timeout emit to "late" { k } within 5m'));
  assert.match(ast, /MatchClause within=5m skip=- named=- gap=- once=false\n\s+steps:/);
  assert.match(ast, /onTimeout:\n\s+EmitClause mode=- topic="late"/);
  expectParseError(
    ruleWith('match a: any within 5m on emit to "late" { k }'),
    "<stdin>:1:41: error[V1010]: expected `timeout`, found `emit`",
  );
});

test("pattern: errors", () => {
  const r = (m: string) => ruleWith(`match ${m}`);
  expectParseError(r("a x > 1"), "<stdin>:1:23: error[V1010]: expected `:`, found `x`");
  expectParseError(r("a: any -> : any"), "<stdin>:1:31: error[V1010]: expected a step name, found `:`");
  expectParseError(
    r("a{5,2}: any"),
    "<stdin>:1:22: error[V1017]: quantifier `{5,2}` has its maximum below its minimum",
  );
  expectParseError(
    r("a{x}: any"),
    "<stdin>:1:23: error[V1010]: expected a count (a whole number), found `x`",
  );
  expectParseError(
    r("a greedy: any"),
    "<stdin>:1:23: error[V1016]: loop modifier `greedy` on a step that does not loop",
  );
  expectParseError(
    r("a longest: any"),
    "<stdin>:1:23: error[V1016]: loop modifier `longest` on a step that does not loop",
  );
  expectParseError(
    r("a: any not b: any"),
    "<stdin>:1:28: error[V1010]: expected a rule clause (from, join, where, partition by, window, match, emit) or the next declaration, found `not`",
  );
  expectParseError(r("a: any skip past"), "<stdin>:1:38: error[V1010]: expected `last`, found `emit`");
  expectParseError(
    r("a: any skip to b"),
    "<stdin>:1:36: error[V1010]: expected `next`, `first STEP` or `last STEP` after `skip to`, found `b`",
  );
  expectParseError(
    r("a: any within 10"),
    "<stdin>:1:35: error[V1010]: expected the pattern's time bound (a duration such as 30s or 10m), found `10`",
  );
});

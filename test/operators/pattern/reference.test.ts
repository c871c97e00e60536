// Pattern operator vs the brute-force reference matcher (reference-matcher.ts) on random patterns and
// random keyed events out of order within the lateness: same matches per key, in the same order
// under every skip strategy (no-skip: same multiset), and no state left after the end of input.
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import type { SkipStrategy } from "../../../src/plan/plan.ts";
import {
  boundedFeatureDesc,
  cheapPathDesc,
  keyedEvents,
  LATENESS,
  type PatternDesc,
  patternDesc,
  toPattern,
} from "./arbitraries.ts";
import { runPattern, type TestEvent, type TestPattern } from "./build.ts";
import { actual, canonicalTakes, keyEvents, refused } from "./canonical.ts";
import { type RefEvent, type RefMatch, type RefTake, referenceRun } from "./reference-matcher.ts";

const canonicalOf = (p: TestPattern, { takes, events: ev }: RefMatch): string => {
  const last = takes[takes.length - 1] as RefTake;
  return canonicalTakes(p, takes, ev, (ev[last.idx] as RefEvent).ts);
};

/** The reference's matches of one key, and the matches `skip to ... or fail` refuses (dead letters). */
function expected(p: TestPattern, events: readonly TestEvent[], key: string): [string[], string[]] {
  const run = referenceRun(p, keyEvents(events, key));
  return [run.matches.map((m) => canonicalOf(p, m)), run.missed.map((m) => canonicalOf(p, m))];
}

function check(d: PatternDesc, events: TestEvent[]): void {
  const p = toPattern(d);
  const r = runPattern(p, events, LATENESS);
  assert.ok(
    r.task.dead.every((d) => d.reason === "operator-error" && d.message.includes("or fail")),
    "no event is late in these streams; dead letters are only `or fail` refusals",
  );
  assert.equal(r.storeSize, 0, "all pattern state deleted at end of input");
  assert.equal(r.task.timers(), 0, "no timer left");
  for (const key of ["k0", "k1", "k2"]) {
    const [matches, missed] = expected(p, events, key);
    assert.deepEqual(
      refused(p, r.task.dead, events, key),
      missed,
      `key ${key}: refused matches (dead letters)`,
    );
    let want = matches;
    let got = actual(r.out, key);
    if (d.skip.kind === "no-skip") {
      want = [...want].sort();
      got = [...got].sort();
    }
    assert.deepEqual(got, want, `key ${key}`);
  }
}

const runs = (n: number) => ({ numRuns: n, seed: 20261123 });

test("pattern operator equals the brute-force matcher (random patterns, every construct)", () => {
  fc.assert(fc.property(patternDesc, keyedEvents(7), check), runs(400));
});

const SKIPS: readonly SkipStrategy[] = [
  { kind: "no-skip" },
  { kind: "skip-to-next" },
  { kind: "skip-past-last" },
  { kind: "skip-to-first", step: "s1", orFail: false },
  { kind: "skip-to-last", step: "s0", orFail: false },
  { kind: "skip-to-first", step: "s1", orFail: true },
  { kind: "skip-to-last", step: "s0", orFail: true },
  { kind: "skip-to-last", step: "s1", orFail: true },
];

for (const skip of SKIPS) {
  const target = "step" in skip ? ` ${skip.step}${skip.orFail ? " or fail" : ""}` : "";
  test(`matches the reference under ${skip.kind}${target}`, () => {
    const desc = patternDesc.filter((d) => d.steps.length >= 2).map((d): PatternDesc => ({ ...d, skip }));
    fc.assert(fc.property(desc, keyedEvents(7), check), runs(200));
  });
}

for (const c of ["strict", "relaxed", "non-deterministic"] as const) {
  test(`matches the reference with ${c} contiguity between and inside every step`, () => {
    const desc = patternDesc.map(
      (d): PatternDesc => ({
        ...d,
        steps: d.steps.map((s) => (s.negated ? s : { ...s, contiguity: c, inner: c })),
      }),
    );
    fc.assert(fc.property(desc, keyedEvents(7), check), runs(150));
  });
}

const QUANTIFIERS = [
  [1, 1],
  [0, 1],
  [1, null],
  [0, null],
  [2, 2],
  [1, 3],
  [2, null],
] as const;

for (const q of QUANTIFIERS) {
  test(`matches the reference with quantifier {${q[0]},${q[1] ?? ""}} (greedy or not, with until)`, () => {
    const desc = patternDesc.map(
      (d): PatternDesc => ({
        ...d,
        steps: d.steps.map((s, i) => (s.negated || i > 1 ? s : { ...s, q })),
      }),
    );
    fc.assert(fc.property(desc, keyedEvents(6), check), runs(100));
  });
}

test("matches the reference with a negation in the middle (not next / not followed by)", () => {
  const desc = patternDesc.filter((d) => d.steps.some((s, i) => s.negated && i < d.steps.length - 1));
  fc.assert(fc.property(desc, keyedEvents(7), check), runs(200));
});

test("matches the reference with a trailing negation (completes when within expires)", () => {
  const desc = patternDesc
    .filter((d) => d.steps.some((s) => s.negated))
    .map((d): PatternDesc => {
      const neg = d.steps.find((s) => s.negated) as PatternDesc["steps"][number];
      return { ...d, steps: [...d.steps.filter((s) => !s.negated), neg] };
    });
  fc.assert(fc.property(desc, keyedEvents(7), check), runs(200));
});

test("matches the reference with within (pruning from the first event)", () => {
  const desc = fc
    .tuple(patternDesc, fc.integer({ min: 1, max: 30 }))
    .map(([d, w]): PatternDesc => ({ ...d, withinMs: w }));
  fc.assert(fc.property(desc, keyedEvents(8), check), runs(200));
});

// The cheap path (src/operators/pattern/inert.ts): patterns it applies to (no strict, no greedy,
// conditions on the candidate alone, negations and until included), with events of which many
// satisfy no step, still match exactly as the reference does.
test("matches the reference on the cheap path (inert events skipped)", () => {
  fc.assert(fc.property(patternDesc.map(cheapPathDesc), keyedEvents(8), check), runs(400));
});

// The same with strict and greedy steps left in: the cheap path must turn itself off for them.
test("matches the reference with conditions on the candidate alone (strict and greedy included)", () => {
  const onCandidate = (c: PatternDesc["steps"][number]["cond"]) =>
    c.k !== "any" && c.k !== "gtPrev" && c.k !== "countLt";
  const desc = patternDesc.map(
    (d): PatternDesc => ({
      ...d,
      steps: d.steps.map((s) => ({ ...s, cond: onCandidate(s.cond) ? s.cond : { k: "ne", c: 1 } })),
    }),
  );
  fc.assert(fc.property(desc, keyedEvents(8), check), runs(600));
});

// prev(x) (MATCH_RECOGNIZE's PREV): the key's physically previous event, taken or not. On the cheap
// path the events no step can take are still the previous event of the next one (inert.ts).
test("matches the reference with prev(x) in conditions (cheap path on and off)", () => {
  const prevish = fc.constantFrom<PatternDesc["steps"][number]["cond"]>(
    { k: "rising" },
    { k: "gtPrevEvent" },
    { k: "eq", c: 2 },
  );
  const desc = fc.tuple(patternDesc, fc.array(prevish, { minLength: 4, maxLength: 4 }), fc.boolean()).map(
    ([d, conds, cheap]): PatternDesc => ({
      ...d,
      steps: d.steps.map((s, i) => {
        const cond = s.negated ? s.cond : (conds[i] ?? s.cond);
        if (!cheap) return { ...s, cond };
        return {
          ...s,
          cond: cond.k === "gtPrevEvent" ? { k: "rising" } : cond,
          until: null,
          greedy: false,
          contiguity: s.contiguity === "strict" ? "relaxed" : s.contiguity,
          inner: s.inner === "strict" ? "non-deterministic" : s.inner,
        };
      }),
    }),
  );
  fc.assert(fc.property(desc, keyedEvents(8), check), runs(400));
});

// `within D between steps` (Flink's PREVIOUS_AND_CURRENT): consecutive takes less than D apart (M3b),
// alone or beside `within`; trailing negations and the cheap path included.
test("matches the reference with a bound between steps (within ... between steps)", () => {
  const desc = fc
    .tuple(patternDesc, fc.integer({ min: 1, max: 15 }), fc.boolean(), fc.boolean())
    .map(([d, gap, keepWithin, cheap]): PatternDesc => {
      const base = cheap ? cheapPathDesc(d) : d;
      return { ...base, gapMs: gap, withinMs: keepWithin ? base.withinMs : null };
    });
  fc.assert(fc.property(desc, keyedEvents(8), check), runs(400));
});

// `match once` (Esper without `every`): only the key's first event that could start a match starts one.
test("matches the reference with match once (one start per key)", () => {
  const desc = fc
    .tuple(patternDesc, fc.boolean())
    .map(([d, cheap]): PatternDesc => ({ ...(cheap ? cheapPathDesc(d) : d), startOnce: true }));
  fc.assert(fc.property(desc, keyedEvents(8), check), runs(400));
});

// `longest` (greedy as Flink CEP and MATCH_RECOGNIZE define it, M7L): no match ends in, nor leaves, a
// longest loop while it could take the key's next event, and among matches from one start the one
// that ends last is preferred; under every skip strategy, with within, gaps and negations.
test("matches the reference with longest loops (M7L and the longest-first preference)", () => {
  const desc = fc
    .tuple(boundedFeatureDesc, fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }))
    .map(
      ([d, picks]): PatternDesc => ({
        ...d,
        startOnce: false,
        steps: d.steps.map((s, i) => (s.negated ? s : { ...s, longest: picks[i] ?? false })),
      }),
    )
    .filter((d) => d.steps.some((s) => s.longest === true && (s.q[1] === null || s.q[1] > 1)));
  fc.assert(fc.property(desc, keyedEvents(8), check), runs(500));
});

// Timed-out partial matches (`on timeout emit`) against the brute-force definition
// (reference-timeouts.ts) on random patterns and out-of-order keyed events: under `no skip` the
// operator reports exactly the reference's partial matches, in its order; under a skip strategy a
// subset of them (pruning only removes); matches are unchanged and no state is left at the end.
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import {
  cheapPathDesc,
  keyedEvents,
  LATENESS,
  type PatternDesc,
  patternDesc,
  toPattern,
} from "./arbitraries.ts";
import { runPattern, type TestEvent, type TestPattern } from "./build.ts";
import { actual, canonicalTakes, keyEvents } from "./canonical.ts";
import { referenceTimeouts } from "./reference-timeouts.ts";

function expected(p: TestPattern, events: readonly TestEvent[], key: string): string[] {
  return referenceTimeouts(p, keyEvents(events, key)).map(({ takes, at, events: ev }) =>
    canonicalTakes(p, takes, ev, at),
  );
}

function check(d: PatternDesc, events: TestEvent[]): void {
  const p = { ...toPattern(d), timeouts: true };
  const r = runPattern(p, events, LATENESS);
  const plain = runPattern(toPattern(d), events, LATENESS);
  assert.deepEqual(r.out, plain.out, "timeouts change no match");
  assert.equal(r.storeSize, 0, "all pattern state deleted at end of input");
  assert.equal(r.task.timers(), 0, "no timer left");
  for (const key of ["k0", "k1", "k2"]) {
    const want = expected(p, events, key);
    const got = actual(r.timedOut, key);
    if (d.skip.kind === "no-skip") {
      assert.deepEqual(got, want, `key ${key}`);
    } else {
      const left = [...want];
      for (const g of got) {
        const i = left.indexOf(g);
        assert.ok(i >= 0, `key ${key}: ${g} is not a timed-out partial match of the definition`);
        left.splice(i, 1);
      }
    }
  }
}

const runs = (n: number) => ({ numRuns: n, seed: 20261202 });
const withWithin = fc
  .tuple(patternDesc, fc.integer({ min: 1, max: 30 }))
  .map(([d, w]): PatternDesc => ({ ...d, withinMs: d.withinMs ?? w }));

test("timed-out partial matches equal the definition (no skip, every construct)", () => {
  const desc = withWithin.map((d): PatternDesc => ({ ...d, skip: { kind: "no-skip" } }));
  fc.assert(fc.property(desc, keyedEvents(7), check), runs(400));
});

test("under a skip strategy, the timed-out partial matches are among the definition's", () => {
  fc.assert(fc.property(withWithin, keyedEvents(7), check), runs(300));
});

test("timed-out partial matches on the cheap path (inert events skipped) equal the definition", () => {
  const desc = withWithin.map((d): PatternDesc => cheapPathDesc({ ...d, skip: { kind: "no-skip" } }));
  fc.assert(fc.property(desc, keyedEvents(8), check), runs(300));
});

// `within ... between steps`: a partial match also times out the gap after its last take (at the
// earlier of its two ends); `match once`: only partial matches from the key's one start time out.
test("timed-out partial matches with a bound between steps and with match once equal the definition", () => {
  const desc = fc.tuple(patternDesc, fc.integer({ min: 1, max: 15 }), fc.boolean(), fc.boolean()).map(
    ([d, gap, keepWithin, once]): PatternDesc => ({
      ...d,
      skip: { kind: "no-skip" },
      gapMs: gap,
      withinMs: keepWithin ? d.withinMs : null,
      startOnce: once,
    }),
  );
  fc.assert(fc.property(desc, keyedEvents(7), check), runs(400));
});

// Bounded state: a long random stream (20k events, 50 keys) through pattern rules with `within`; the
// live entries of the operator's store stay under a bound derived from `within` and the lateness,
// expired partial matches and their events are deleted (not just ignored), and nothing is left at the end.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Row } from "../../../src/core/value.ts";
import type { Env } from "../../../src/operators/pattern/compile-nfa.ts";
import { createPatternOperator } from "../../../src/operators/pattern/pattern-operator.ts";
import { st, type TestPattern, toOp } from "./build.ts";
import { event, fakeTask, Predicates } from "./fake-context.ts";

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const v = (n: number) => (env: Env) => (env["ev"] as Row)["v"] === n;
const EVENTS = 20_000;
const KEYS = 50;
const STEP_MS = 2; // mean gap between events (all keys)
const LATENESS = 40;
const WITHIN = 200;

function runLong(p: TestPattern) {
  const preds = new Predicates();
  const task = fakeTask();
  const op = toOp(p, preds);
  task.attach(createPatternOperator(op, task.ctx, "ev", preds.compile));
  const store = task.stores.store(op.store.name);
  const rnd = mulberry32(7);
  let max = 0;
  let peak = 0;
  const recent: number[] = []; // times of events, to count those inside the live horizon
  let peakBound = 0;
  for (let i = 0; i < EVENTS; i++) {
    const ts = i * STEP_MS + Math.floor(rnd() * LATENESS);
    const key = `c${Math.floor(rnd() * KEYS)}`;
    task.process(event(key, ts, { id: i, v: Math.floor(rnd() * 4) }, i));
    max = Math.max(max, ts);
    task.advance(max - LATENESS);
    recent.push(ts);
    // Live horizon: events a partial match may still hold (started after wm - within) or not yet processed.
    const horizon = max - LATENESS - WITHIN;
    while (recent.length > 0 && (recent[0] as number) < horizon - LATENESS) recent.shift();
    const size = store.size();
    // Per live event: its buffered or shared-buffer entry plus its take nodes (on average at most three per
    // event for these patterns); per key: one NFA entry.
    const bound = KEYS + 4 * recent.length;
    peakBound = Math.max(peakBound, bound);
    assert.ok(size <= bound, `store size ${size} > bound ${bound} at event ${i}`);
    // Timers: one per buffered event time and per partial-match start, one end-of-input timer per key.
    assert.ok(task.timers() <= KEYS + 2 * recent.length, `timers ${task.timers()} at event ${i}`);
    peak = Math.max(peak, size);
  }
  task.end();
  if (process.env.PATTERN_DEBUG) console.log({ peak, peakBound, matches: task.out.length });
  return { peak, peakBound, finalSize: store.size(), timers: task.timers(), matches: task.out.length };
}

test("bounded state: relaxed a -> b+ -> c within 200ms, skip past last", () => {
  const r = runLong({
    steps: [st("a", v(1)), st("b", v(2), { min: 1, max: null }), st("c", v(3))],
    withinMs: WITHIN,
    skip: { kind: "skip-past-last" },
  });
  assert.ok(r.matches > 100, `the rule matched (${r.matches})`);
  assert.ok(r.peak < EVENTS / 20, `peak ${r.peak} is far below the event count`);
  assert.equal(r.finalSize, 0);
  assert.equal(r.timers, 0);
});

test("bounded state: followed-by-any loop with a trailing negation, no skip", () => {
  const r = runLong({
    steps: [
      st("a", v(1)),
      st("b", v(2), { min: 1, max: 3, contiguity: "non-deterministic", inner: "non-deterministic" }),
      st("n", v(0), { negated: true }),
    ],
    withinMs: WITHIN,
    skip: { kind: "no-skip" },
  });
  assert.ok(r.matches > 100, `the rule matched (${r.matches})`);
  assert.equal(r.finalSize, 0);
  assert.equal(r.timers, 0);
});

// Stop-and-resume: all of a key's NFA state (buffered events, partial matches, shared buffer, timers)
// lives in the task's stores, so a fresh operator over committed stores continues exactly where the
// old one stopped, and a rollback to the last commit replays to the same output.
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import type { StreamRecord } from "../../../src/core/record.ts";
import { createPatternOperator } from "../../../src/operators/pattern/pattern-operator.ts";
import { createMemoryTaskStores } from "../../../src/state/memory-stores.ts";
import type { TaskStateStores } from "../../../src/state/store.ts";
import { boundedFeatureDesc, keyedEvents, LATENESS, patternDesc, toPattern } from "./arbitraries.ts";
import { runPattern, type TestEvent, type TestPattern, toOp } from "./build.ts";
import { event, type FakeTask, fakeTask, Predicates } from "./fake-context.ts";

/** A fresh operator (no JS state carried over) on `stores`, at watermark `wm`. */
function start(p: TestPattern, stores: TaskStateStores, wm: number): FakeTask {
  const preds = new Predicates();
  const task = fakeTask(stores, wm);
  task.attach(createPatternOperator(toOp(p, preds), task.ctx, "ev", preds.compile));
  return task;
}

function feed(
  task: FakeTask,
  events: readonly TestEvent[],
  from: number,
  to: number,
  max: { v: number },
): void {
  for (let i = from; i < to; i++) {
    const e = events[i] as TestEvent;
    task.process(event(e.key, e.ts, e.row, i));
    max.v = Math.max(max.v, e.ts);
    task.advance(max.v - LATENESS);
  }
}

const view = (out: readonly StreamRecord[]) =>
  out.map((r) => JSON.stringify([r.key, r.timestamp, r.value, r.evidence]));

for (const [label, descs] of [
  ["", patternDesc],
  [" (within between steps, match once)", boundedFeatureDesc],
] as const) {
  test(`a fresh operator over committed stores resumes exactly (any stop point)${label}`, async () => {
    await fc.assert(
      fc.asyncProperty(descs, keyedEvents(6), fc.nat(), async (d, events, cut) => {
        const p = toPattern(d);
        const whole = runPattern(p, events, LATENESS).out;
        const k = events.length === 0 ? 0 : cut % (events.length + 1);
        const stores = createMemoryTaskStores();
        const max = { v: Number.NEGATIVE_INFINITY };
        const first = start(p, stores, Number.NEGATIVE_INFINITY);
        feed(first, events, 0, k, max);
        await first.commit();
        const second = start(p, stores, first.watermark());
        feed(second, events, k, events.length, max);
        second.end();
        assert.deepEqual(view([...first.out, ...second.out]), view(whole));
      }),
      { numRuns: 150, seed: 7 },
    );
  });

  test(`rolling back to the last commit and replaying gives the same output${label}`, async () => {
    await fc.assert(
      fc.asyncProperty(descs, keyedEvents(6), fc.nat(), fc.nat(), async (d, events, a, b) => {
        const p = toPattern(d);
        const whole = runPattern(p, events, LATENESS).out;
        const k = events.length === 0 ? 0 : a % (events.length + 1);
        const m = k + (events.length === k ? 0 : b % (events.length - k + 1));
        const stores = createMemoryTaskStores();
        const max = { v: Number.NEGATIVE_INFINITY };
        const first = start(p, stores, Number.NEGATIVE_INFINITY);
        feed(first, events, 0, k, max);
        await first.commit();
        const kept = [...first.out];
        const wmAtCommit = first.watermark();
        const maxAtCommit = max.v;
        feed(first, events, k, m, max); // work that is thrown away
        first.rollback();
        max.v = maxAtCommit;
        const again = start(p, stores, wmAtCommit);
        feed(again, events, k, events.length, max);
        again.end();
        assert.deepEqual(view([...kept, ...again.out]), view(whole));
      }),
      { numRuns: 150, seed: 11 },
    );
  });
}

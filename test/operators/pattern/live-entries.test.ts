// A pattern key's state entry names every other entry under the key's scope (its buffer's live nodes
// and events), which is what lets a state cache read a key's buffer by name instead of scanning it.
// Random patterns over random keyed events: after every event and watermark, each key's entries are
// exactly its state entry plus what that entry names, and a key with no state entry has no entries.
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { createPatternOperator } from "../../../src/operators/pattern/pattern-operator.ts";
import { patternScopeEntries } from "../../../src/operators/pattern/shared-buffer.ts";
import { encodeKey, keyScope, patternStateKey } from "../../../src/operators/store-keys.ts";
import type { KeyValueStore } from "../../../src/state/store.ts";
import { boundedFeatureDesc, keyedEvents, LATENESS, patternDesc, toPattern } from "./arbitraries.ts";
import { toOp } from "./build.ts";
import { event, fakeTask, Predicates } from "./fake-context.ts";

function checkNamed(store: KeyValueStore, keys: ReadonlySet<string>): number {
  let named = 0;
  for (const key of keys) {
    const scope = keyScope(encodeKey(key));
    const held = [...store.prefix(scope)].map(([k]) => k).sort();
    const state = store.get(patternStateKey(scope));
    if (state === undefined) {
      assert.deepEqual(held, [], `key ${key} has entries but no state entry`);
      continue;
    }
    const listed = patternScopeEntries(scope, state);
    assert.ok(listed !== undefined, `key ${key}: its state entry does not name its entries`);
    assert.deepEqual(held, [patternStateKey(scope), ...listed].sort(), `key ${key}`);
    named += listed.length;
  }
  return named;
}

for (const [label, descs] of [
  ["", patternDesc],
  [" (within between steps, match once)", boundedFeatureDesc],
] as const) {
  test(`a pattern key's state entry names exactly the entries under its scope${label}`, () => {
    let named = 0;
    fc.assert(
      fc.property(descs, keyedEvents(6), (d, events) => {
        const preds = new Predicates();
        const task = fakeTask();
        const op = toOp(toPattern(d), preds);
        task.attach(createPatternOperator(op, task.ctx, "ev", preds.compile));
        const store = task.stores.store(op.store.name);
        const keys = new Set(events.map((e) => e.key));
        let max = Number.NEGATIVE_INFINITY;
        events.forEach((e, i) => {
          task.process(event(e.key, e.ts, e.row, i));
          max = Math.max(max, e.ts);
          task.advance(max - LATENESS);
          named += checkNamed(store, keys);
        });
        task.end();
        checkNamed(store, keys);
      }),
      { numRuns: 200 },
    );
    assert.ok(named > 0, "no state entry named an entry: the property checked nothing");
  });
}

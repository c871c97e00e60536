// A pattern key's state entry names every other entry under the key's scope (its buffer's live nodes
// and events), which is what lets a state cache read a key's buffer by name instead of scanning it.
// Random patterns over random keyed events: after every event and watermark, each key's entries are
// exactly its state entry plus what that entry names, and a key with no state entry has no entries.
// Over a store that does not read by name (memory stores), the state entry names nothing.
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import type { Row } from "../../../src/core/value.ts";
import type { Env } from "../../../src/operators/pattern/compile-nfa.ts";
import { createPatternOperator } from "../../../src/operators/pattern/pattern-operator.ts";
import { patternScopeEntries } from "../../../src/operators/pattern/shared-buffer.ts";
import { encodeKey, keyScope, patternStateKey } from "../../../src/operators/store-keys.ts";
import { createMemoryTaskStores } from "../../../src/state/memory-stores.ts";
import type { KeyValueStore, TaskStateStores } from "../../../src/state/store.ts";
import { boundedFeatureDesc, keyedEvents, LATENESS, patternDesc, toPattern } from "./arbitraries.ts";
import { st, toOp } from "./build.ts";
import { event, fakeTask, Predicates } from "./fake-context.ts";

// Memory stores that say they read by name, as the cached stores do: the operator names entries
// only for such a store.
function namingStores(): TaskStateStores {
  const stores = createMemoryTaskStores();
  const store = stores.store.bind(stores);
  stores.store = (name: string) => Object.assign(store(name), { readsByName: true });
  return stores;
}

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
        const task = fakeTask(namingStores());
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

test("over memory stores, which never prefetch, a pattern's state entry names nothing", () => {
  const preds = new Predicates();
  const task = fakeTask();
  const v = (n: number) => (env: Env) => (env["ev"] as Row)["v"] === n;
  const op = toOp(
    { steps: [st("a", v(1)), st("b", v(2))], withinMs: 10_000, skip: { kind: "skip-past-last" } },
    preds,
  );
  task.attach(createPatternOperator(op, task.ctx, "ev", preds.compile));
  for (let i = 0; i < 30; i++) task.process(event(`k${i % 3}`, i * 10, { id: i, v: 1 }, i));
  task.advance(1_000);
  const states = [...task.stores.store(op.store.name).entries()].filter(([key]) => key.endsWith("|n"));
  assert.equal(states.length, 3, "each key holds partial matches");
  for (const [key, value] of states) {
    assert.ok((value as { p: unknown[] }).p.length > 0, `${key} has partial matches`);
    assert.equal((value as { k?: unknown }).k, undefined, `${key} names no entries`);
  }
});

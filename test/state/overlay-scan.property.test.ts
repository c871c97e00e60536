// A scan is a live cursor: each step yields the least visible key after the last one yielded (with
// its value at that moment), whatever was put or deleted in between, before or after a commit.
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import type { Value } from "../../src/core/value.ts";
import { createMemoryTaskStores } from "../../src/state/memory-stores.ts";

const key = fc.string({ unit: fc.constantFrom("a", "b", "c", "d"), minLength: 1, maxLength: 3 });
const write = fc.record({ key, value: fc.option(fc.integer(), { nil: null }) });

function applyWrite(model: Map<string, Value>, k: string, v: Value | null): void {
  if (v === null) model.delete(k);
  else model.set(k, v);
}

test("a scan yields the next visible key after the last one, seeing writes made during it", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(write, { maxLength: 12 }),
      fc.boolean(),
      fc.array(fc.array(write, { maxLength: 3 }), { maxLength: 10 }),
      async (before, commit, during) => {
        const stores = createMemoryTaskStores();
        const store = stores.store("s");
        const model = new Map<string, Value>();
        for (const w of before) {
          if (w.value === null) store.delete(w.key);
          else store.put(w.key, w.value);
          applyWrite(model, w.key, w.value);
        }
        if (commit) await stores.commit({ inputOffsets: {}, changelogOffsets: {}, meta: {} });
        let last = "";
        let step = 0;
        for (const [k, v] of store.range("a", "d")) {
          const expected = [...model.keys()].filter((m) => m > last && m >= "a" && m < "d").sort()[0];
          assert.equal(k, expected);
          assert.equal(v, model.get(k));
          last = k;
          for (const w of during[step++] ?? []) {
            if (w.value === null) store.delete(w.key);
            else store.put(w.key, w.value);
            applyWrite(model, w.key, w.value);
          }
        }
        assert.equal([...model.keys()].filter((m) => m > last && m >= "a" && m < "d").length, 0);
        assert.equal(store.size(), model.size);
      },
    ),
    { numRuns: 500 },
  );
});

// The complete-scope set of a cached store against a plain list of prefixes: for any mix of
// canonical scopes (`<len>:<key>|`, tagged or not) and arbitrary prefixes, added, dropped and
// queried, it answers "which complete scope covers this key" exactly as a linear search does.
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { keyScope } from "../../src/operators/store-keys.ts";
import { CompleteScopes, canonicalScopeOf } from "../../src/state/complete-scopes.ts";

const recordKey = fc.string({ unit: fc.constantFrom("a", "b", "|", ":", "1", "+"), maxLength: 4 });
const canonical = fc
  .tuple(fc.constantFrom("", "L", "R"), recordKey)
  .map(([tag, k]) => `${tag}${keyScope(`+${k}`)}`);
const entryKey = fc
  .tuple(canonical, fc.string({ unit: fc.constantFrom("n", "e", "p", "0", "|"), maxLength: 3 }))
  .map(([s, rest]) => s + rest);
// Arbitrary prefixes: a canonical scope cut short or extended, as a faulted range start can be.
const other = fc.tuple(entryKey, fc.nat({ max: 12 })).map(([k, n]) => k.slice(0, Math.max(1, k.length - n)));
const op = fc.oneof(
  fc.record({ kind: fc.constant("add" as const), scope: fc.oneof(canonical, other) }),
  fc.record({ kind: fc.constant("drop" as const), key: entryKey }),
  fc.record({ kind: fc.constant("ask" as const), key: fc.oneof(entryKey, other) }),
);

test("canonicalScopeOf reads the scope off an operator's store key, and nothing else", () => {
  fc.assert(
    fc.property(canonical, fc.string({ maxLength: 4 }), (scope, rest) => {
      assert.equal(canonicalScopeOf(scope + rest), scope);
    }),
  );
  for (const k of ["", "abc", "3:ab|", "3:abc", "L:x|", "12", "card-7", "1:a"]) {
    assert.equal(canonicalScopeOf(k), undefined, k);
  }
});

test("complete scopes: covering() agrees with a linear search over a prefix-free list", () => {
  fc.assert(
    fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
      const set = new CompleteScopes();
      let model: string[] = [];
      const cover = (key: string) => model.find((s) => key.startsWith(s));
      for (const o of ops) {
        if (o.kind === "add") {
          if (cover(o.scope) !== undefined) continue; // the store checks this first
          const inside = model.filter((s) => s.startsWith(o.scope)).sort();
          model = [...model.filter((s) => !s.startsWith(o.scope)), o.scope];
          assert.deepEqual([...set.add(o.scope)].sort(), inside);
        } else if (o.kind === "drop") {
          const s = cover(o.key);
          assert.equal(set.covering(o.key), s);
          if (s !== undefined) {
            set.delete(s);
            model = model.filter((m) => m !== s);
          }
        } else {
          assert.equal(set.covering(o.key), cover(o.key), o.key);
        }
        assert.equal(set.size, model.length);
      }
      assert.deepEqual([...set.all()].sort(), [...model].sort());
    }),
    { numRuns: 500 },
  );
});

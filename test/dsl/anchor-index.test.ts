// fmt's anchor index agrees with the obvious linear scans, for any anchors (reordered ones included).
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { AnchorIndex } from "../../src/dsl/format/anchor-index.ts";

function firstAtLeast(anchors: readonly number[], from: number, offset: number): number {
  for (let i = from; i < anchors.length; i++)
    if ((anchors[i] ?? -1) >= 0 && (anchors[i] ?? -1) >= offset) return i;
  return -1;
}

function lastAtMost(anchors: readonly number[], offset: number): number {
  let best = -1;
  anchors.forEach((a, i) => {
    if (a >= 0 && a <= offset && (best < 0 || a >= (anchors[best] ?? -1))) best = i;
  });
  return best;
}

test("AnchorIndex matches linear scans", () => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: -1, max: 50 }), { maxLength: 40 }),
      fc.nat(45),
      fc.integer({ min: 0, max: 55 }),
      (anchors, from, offset) => {
        const index = new AnchorIndex(anchors);
        assert.equal(index.firstAtLeast(from, offset), firstAtLeast(anchors, from, offset));
        assert.equal(index.lastAtMost(offset), lastAtMost(anchors, offset));
      },
    ),
    { seed: 7, numRuns: 2000 },
  );
});

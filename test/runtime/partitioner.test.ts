import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { murmur2, partitionForKey } from "../../src/runtime/partitioner.ts";

// Test vectors from Kafka's UtilsTest.testMurmur2.
const vectors: [string, number][] = [
  ["21", -973932308],
  ["foobar", -790332482],
  ["a-little-bit-long-string", -985981536],
  ["a-little-bit-longer-string", -1486304829],
  ["lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58897971],
  ["abc", 479470107],
];

for (const [key, hash] of vectors) {
  test(`murmur2(${key}) matches Kafka`, () => {
    assert.equal(murmur2(new TextEncoder().encode(key)), hash);
  });
}

test("partitionForKey is in range and stable", () => {
  for (let n = 1; n < 9; n++) {
    for (const [key] of vectors) {
      const p = partitionForKey(key, n);
      assert.ok(p >= 0 && p < n);
      assert.equal(partitionForKey(key, n), p);
    }
  }
  assert.equal(partitionForKey("foobar", 7), (-790332482 & 0x7fffffff) % 7);
});

test("partitionForKey hashes the key's UTF-8 bytes, for any string (scratch buffer reuse included)", () => {
  fc.assert(
    fc.property(fc.string({ unit: "binary", maxLength: 300 }), fc.integer({ min: 1, max: 64 }), (key, n) => {
      assert.equal(partitionForKey(key, n), (murmur2(new TextEncoder().encode(key)) & 0x7fffffff) % n);
    }),
    { numRuns: 300 },
  );
});

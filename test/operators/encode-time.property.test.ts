// encodeTime prints two 28-bit halves instead of one double: the keys must be byte for byte the
// plain hex encoding (stored state and key order depend on it).
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { encodeTime, TIME_WIDTH } from "../../src/operators/store-keys.ts";

const plain = (t: number): string => (Math.floor(t) + 2 ** 52).toString(16).padStart(TIME_WIDTH, "0");

test("encodeTime equals the plain hex encoding of the shifted time", () => {
  fc.assert(
    fc.property(
      fc.oneof(
        fc.integer({ min: -(2 ** 52), max: 2 ** 52 - 1 }),
        fc.double({ noNaN: false }),
        fc.constantFrom(0, -1, 2 ** 28 - 1, 2 ** 28, -(2 ** 28), 1772420382158, 2 ** 52, -(2 ** 53)),
      ),
      (t) => {
        assert.equal(encodeTime(t), plain(t));
      },
    ),
    { numRuns: 5000 },
  );
});

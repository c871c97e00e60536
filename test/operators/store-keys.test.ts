// Operator state keys: time encoding order and width, key scopes that never prefix each other.
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import {
  decodeKey,
  decodeTime,
  encodeKey,
  encodeTime,
  keyFromValues,
  keyScope,
  TIME_WIDTH,
} from "../../src/operators/store-keys.ts";

test("encodeTime is fixed-width, order-preserving and invertible", () => {
  const time = fc.integer({ min: -(2 ** 52) + 1, max: 2 ** 52 - 1 });
  fc.assert(
    fc.property(time, time, (a, b) => {
      const ea = encodeTime(a);
      const eb = encodeTime(b);
      assert.equal(ea.length, TIME_WIDTH);
      assert.equal(decodeTime(ea), a);
      assert.equal(Math.sign(ea < eb ? -1 : ea > eb ? 1 : 0), Math.sign(a - b));
    }),
    { numRuns: 2000 },
  );
});

test("record keys: null and empty string differ; no scope is a prefix of another", () => {
  assert.notEqual(encodeKey(null), encodeKey(""));
  assert.equal(decodeKey(encodeKey(null)), null);
  assert.equal(decodeKey(encodeKey("")), "");
  fc.assert(
    fc.property(fc.option(fc.string()), fc.option(fc.string()), (a, b) => {
      fc.pre(a !== b);
      const sa = keyScope(encodeKey(a));
      const sb = keyScope(encodeKey(b));
      assert.ok(!sb.startsWith(sa) && !sa.startsWith(sb));
    }),
  );
  assert.equal(keyFromValues(["x"]), "x");
  assert.equal(keyFromValues([7]), "7");
  assert.equal(keyFromValues(["x", 2]), '["x",2]');
});

test('record keys: a null key value is the null key, never the string "null"', () => {
  assert.equal(keyFromValues([null]), null);
  assert.equal(keyFromValues(["null"]), "null");
  assert.notEqual(encodeKey(keyFromValues([null])), encodeKey(keyFromValues(["null"])));
  assert.notEqual(keyFromValues([null, "x"]), keyFromValues(["null", "x"]));
});

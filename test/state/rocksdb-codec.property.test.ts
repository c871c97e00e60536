// The RocksDB layout's text: entry keys are exactly JSON.stringify([store, key]) for any strings
// (quotes, backslashes, control characters, lone surrogates), and a value with a NaN or an infinity
// anywhere is refused, as JSON cannot carry it, while every finite value round-trips.
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import type { Value } from "../../src/core/value.ts";
import { decodeValue, encodeValue, entryKey, parseEntryKey } from "../../src/state/rocksdb-codec.ts";

const anyCodeUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));
const text = fc.oneof(
  fc.string(),
  fc.string({ unit: anyCodeUnit }),
  fc.string({ unit: fc.constantFrom("a", "|", ":", '"', "\\", "\n", "\u0000", "\ud800", "\udc00", "é") }),
);

test("entryKey writes JSON.stringify([store, key]) for any store and key", () => {
  fc.assert(
    fc.property(text, text, (store, key) => {
      const k = entryKey(store, key);
      assert.equal(k, JSON.stringify([store, key]));
      assert.deepEqual(parseEntryKey(k), { store, key });
    }),
    { numRuns: 3000 },
  );
});

const finite = fc.jsonValue() as fc.Arbitrary<Value>;
const nonFinite = fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY);

test("encodeValue round-trips finite values and refuses a non-finite number anywhere", () => {
  fc.assert(
    fc.property(finite, (v) => {
      assert.deepEqual(decodeValue(encodeValue(v, "w")), JSON.parse(JSON.stringify(v)));
    }),
  );
  const withBad = fc
    .tuple(fc.array(finite, { maxLength: 4 }), nonFinite, fc.nat(), fc.boolean())
    .map(([xs, bad, at, inObject]): Value => {
      const list: Value[] = [...xs];
      list.splice(at % (list.length + 1), 0, inObject ? ({ x: bad } as Value) : bad);
      return { rows: list } as Value;
    });
  fc.assert(
    fc.property(withBad, (v) => {
      assert.throws(
        () => encodeValue(v, "store s, key k"),
        /store s, key k: (NaN|-?Infinity) is not storable/,
      );
    }),
  );
});

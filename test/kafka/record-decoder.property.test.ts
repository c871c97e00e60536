// The fetched-record decoder Vigil installs into kafkajs returns what kafkajs 2.2.4's returns: for
// any record (timestamp deltas of any size and sign, offsets near 2^63, null or repeated header
// values, header names such as "toString" and "__proto__") and any batch context, the two objects
// are deeply equal and the two decoders stop at the same byte.
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { test } from "node:test";
import fc from "fast-check";
import { stockInternals } from "../../src/kafka/kafkajs.ts";
import { fastRecordDecoder, type RecordDecoder } from "../../src/kafka/record-decoder.ts";

const require = createRequire(import.meta.url);
const Decoder = require("kafkajs/src/protocol/decoder.js") as new (b: Buffer) => { offset: number };
const stock = stockInternals.recordDecoder as RecordDecoder;
const fast = fastRecordDecoder(stock);

function varLong(v: bigint): number[] {
  let z = BigInt.asUintN(64, (v << 1n) ^ (v >> 63n));
  const out: number[] = [];
  while (z >= 0x80n) {
    out.push(Number(z & 0x7fn) | 0x80);
    z >>= 7n;
  }
  out.push(Number(z));
  return out;
}
const varInt = (v: number): number[] => varLong(BigInt(v));
const bytes = (b: Buffer | null): number[] => (b === null ? varInt(-1) : [...varInt(b.length), ...b]);

interface RecordSpec {
  readonly attributes: number;
  readonly delta: bigint;
  readonly offsetDelta: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: readonly [string, Buffer | null][];
}

function encode(r: RecordSpec): Buffer {
  const h = r.headers.flatMap(([k, v]) => [...bytes(Buffer.from(k, "utf8")), ...bytes(v)]);
  return Buffer.from([
    r.attributes,
    ...varLong(r.delta),
    ...varInt(r.offsetDelta),
    ...bytes(r.key),
    ...bytes(r.value),
    ...varInt(r.headers.length),
    ...h,
  ]);
}

const buf = fc.oneof(
  fc.constant(null),
  fc.uint8Array({ maxLength: 40 }).map((a) => Buffer.from(a)),
);
const headerName = fc.oneof(fc.constantFrom("a", "b", "toString", "__proto__", "vigil.rule"), fc.string());
const record: fc.Arbitrary<RecordSpec> = fc.record({
  attributes: fc.integer({ min: 0, max: 127 }),
  delta: fc.oneof(
    fc.bigInt({ min: -1000n, max: 100_000n }),
    fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
    fc.bigInt({ min: 2n ** 45n, max: 2n ** 55n }),
  ),
  offsetDelta: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  key: buf,
  value: buf,
  headers: fc.array(fc.tuple(headerName, buf), { maxLength: 5 }),
});
const decimal = fc
  .oneof(
    fc.bigInt({ min: -1n, max: 2n ** 42n }),
    fc.bigInt({ min: 2n ** 52n, max: 2n ** 63n - 1n }),
    fc.bigInt({ min: -(2n ** 63n), max: 0n }),
  )
  .map(String);
const context = fc.record({
  firstOffset: decimal,
  firstTimestamp: decimal,
  maxTimestamp: decimal,
  magicByte: fc.constant(2),
  isControlBatch: fc.boolean(),
  timestampType: fc.constantFrom(0, 1),
});

test("a fetched record decodes to the object kafkajs's decoder returns", () => {
  fc.assert(
    fc.property(record, context, (r, ctx) => {
      const bytesOf = encode(r);
      const ours = new Decoder(bytesOf);
      const theirs = new Decoder(bytesOf);
      assert.deepStrictEqual(fast(ours as never, ctx), stock(theirs as never, ctx));
      assert.equal(ours.offset, theirs.offset);
    }),
    { numRuns: 2000 },
  );
});

test("the installed decoder is the fast one", () => {
  assert.notEqual(require("kafkajs/src/protocol/recordBatch/record/v0/decoder.js"), stock);
});

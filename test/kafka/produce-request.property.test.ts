// The produce path Vigil installs into kafkajs writes the bytes kafkajs 2.2.4 writes: for any
// request (keys, values and headers as strings with any code units, Buffers or null, timestamps
// as decimal strings of any length or absent, several topics and partitions, transactional or
// not), the one-pass encoder's body equals kafkajs's Produce v3 body byte for byte; requests it
// does not cover fall back to kafkajs's encoder; the linear grouping equals kafkajs's; the CRC-32C
// equals kafkajs's.
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { test } from "node:test";
import fc from "fast-check";
import { crc32c } from "../../src/kafka/crc32c.ts";
import { kafkajsPatches, produceEncodings, stockInternals } from "../../src/kafka/kafkajs.ts";
import { encodeProduceRequest, type ProduceRequestArgs } from "../../src/kafka/produce-request.ts";

const require = createRequire(import.meta.url);
const NOW = 1_764_000_000_123;

const anyCodeUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));
const text = fc.oneof(
  fc.string(),
  fc.string({ unit: anyCodeUnit }),
  fc.string({ minLength: 100, maxLength: 400 }),
);
const bytes = fc.oneof(
  text,
  fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a)),
  fc.constant(null),
);
const headerValue = fc.oneof(
  text,
  fc.uint8Array({ maxLength: 30 }).map((a) => Buffer.from(a)),
);
const headers = fc.oneof(
  fc.constant(undefined),
  fc.dictionary(text, fc.oneof(headerValue, fc.array(headerValue, { maxLength: 3 })), { maxKeys: 4 }),
);
const timestamp = fc.oneof(
  fc.constant(undefined),
  fc.constant("0"),
  fc.integer({ min: 1_600_000_000_000, max: 1_800_000_000_000 }).map(String),
  fc.integer({ min: 0, max: 99_999 }).map(String),
);
const message = fc.record({ key: bytes, value: bytes, timestamp, headers }, { requiredKeys: ["value"] });
const partition = fc.record({
  partition: fc.integer({ min: 0, max: 200 }),
  messages: fc.array(message, { maxLength: 25 }),
  firstSequence: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
});
const args: fc.Arbitrary<ProduceRequestArgs> = fc.record({
  acks: fc.constantFrom(-1, 0, 1),
  timeout: fc.integer({ min: 0, max: 60_000 }),
  transactionalId: fc.oneof(fc.constant(null), text),
  producerId: fc.oneof(
    fc.constant(-1),
    fc.bigInt({ min: 0n, max: 2n ** 62n }).map(String),
    fc.bigInt({ min: 0n, max: 2n ** 62n }).map((value) => ({ value })),
  ),
  producerEpoch: fc.integer({ min: 0, max: 32_767 }),
  topicData: fc.array(
    fc.record({
      topic: fc.string({ minLength: 1 }),
      partitions: fc.array(partition, { minLength: 1, maxLength: 4 }),
    }),
    { minLength: 1, maxLength: 3 },
  ),
});

/** kafkajs's own Produce v3 body for `a`, with Date.now fixed. */
async function stockBody(a: ProduceRequestArgs): Promise<Buffer> {
  const stock = stockInternals.produceV3 ?? require("kafkajs/src/protocol/requests/produce/v3/request.js");
  const realNow = Date.now;
  Date.now = () => NOW;
  try {
    return ((await stock(a).encode()) as { buffer: Buffer }).buffer;
  } finally {
    Date.now = realNow;
  }
}

test("kafkajs 2.2.4 is patched: grouping, the record decoder and the Produce request", () => {
  assert.deepEqual(kafkajsPatches, { grouping: true, recordDecoder: true, produceRequest: true });
});

test("the one-pass Produce body equals kafkajs's, byte for byte", async () => {
  await fc.assert(
    fc.asyncProperty(args, async (a) => {
      const ours = encodeProduceRequest(a, () => NOW);
      assert.ok(ours !== null, "a request of covered shapes is encoded");
      assert.equal(Buffer.compare(ours, await stockBody(a)), 0);
    }),
    { numRuns: 400 },
  );
});

test("the installed request encodes through the fast path and matches kafkajs's bytes", async () => {
  const installed = require("kafkajs/src/protocol/requests/produce/v7/request.js");
  const a: ProduceRequestArgs = {
    acks: -1,
    timeout: 30_000,
    transactionalId: "g-0",
    producerId: "4242",
    producerEpoch: 3,
    topicData: [
      {
        topic: "out",
        partitions: [
          {
            partition: 2,
            firstSequence: 7,
            messages: [
              { key: "k", value: '{"a":1}', timestamp: "1764000000000", headers: { "vigil.rule": "r" } },
              { key: null, value: null, timestamp: "1764000000005" },
            ],
          },
        ],
      },
    ],
  };
  const request = installed(a);
  assert.equal(request.apiVersion, 7);
  const fastBefore = produceEncodings.fast;
  const encoded = (await request.encode()) as { buf: Buffer; buffer: Buffer };
  assert.equal(produceEncodings.fast, fastBefore + 1);
  // kafkajs's own encoder grows a power-of-two Buffer (512 bytes at least); the fast path's is exact.
  assert.equal(encoded.buf.length, encoded.buffer.length);
  assert.equal(Buffer.compare(encoded.buffer, await stockBody(a)), 0);
});

test("shapes the encoder does not cover fall back to kafkajs's encoder", async () => {
  const base = { acks: -1, timeout: 100, topicData: [] as ProduceRequestArgs["topicData"] };
  const one = (m: Record<string, unknown>): ProduceRequestArgs => ({
    ...base,
    topicData: [{ topic: "t", partitions: [{ partition: 0, messages: [m as never] }] }],
  });
  assert.equal(encodeProduceRequest({ ...one({ value: "v" }), compression: 1 }), null);
  assert.equal(encodeProduceRequest(one({ value: "v", timestamp: 1764000000000 })), null);
  assert.equal(encodeProduceRequest(one({ value: "v", timestamp: "17e5" })), null);
  assert.equal(encodeProduceRequest(one({ value: 5 })), null);
  assert.equal(encodeProduceRequest(one({ value: "v", headers: { h: 1 } })), null);
  const installed = require("kafkajs/src/protocol/requests/produce/v3/request.js");
  const numeric = one({ value: "v", timestamp: 1764000000000 });
  const realNow = Date.now;
  Date.now = () => NOW;
  try {
    const stockBefore = produceEncodings.stock;
    const viaFallback = ((await installed(numeric).encode()) as { buffer: Buffer }).buffer;
    assert.equal(produceEncodings.stock, stockBefore + 1);
    assert.equal(Buffer.compare(viaFallback, await stockBody(numeric)), 0);
  } finally {
    Date.now = realNow;
  }
});

test("the linear grouping groups as kafkajs's does", () => {
  const stock = stockInternals.grouping!;
  const linear = require("kafkajs/src/producer/groupMessagesPerPartition.js");
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 0, max: 7 }), { maxLength: 60 }),
      fc.boolean(),
      (parts, noMeta) => {
        const messages = parts.map((p, i) => ({ i, p }));
        const calls: unknown[] = [];
        const partitioner = ({ message }: { message: unknown }) => {
          calls.push(message);
          return (message as { p: number }).p;
        };
        const input = { topic: "t", partitionMetadata: noMeta ? [] : [{}], messages, partitioner };
        const expected = stock(input);
        const expectedCalls = calls.splice(0);
        assert.deepEqual(linear(input), expected);
        assert.deepEqual(calls, expectedCalls);
      },
    ),
  );
});

test("CRC-32C equals kafkajs's", () => {
  const theirs = require("kafkajs/src/protocol/recordBatch/crc32C/index.js");
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), (a) => {
      const b = Buffer.from(a);
      assert.equal(crc32c(b), theirs(b));
    }),
  );
});

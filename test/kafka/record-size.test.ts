// Kafka I/O stage tests: a record's size bound in a record batch, and the split of a transaction's
// records into sends bounded by bytes per partition (the topic's max.message.bytes) and per send.
import assert from "node:assert/strict";
import { test } from "node:test";
import { BATCH_OVERHEAD_BYTES, chunkRecords, fitsAlone, recordBytes } from "../../src/kafka/record-size.ts";
import type { TopicRecord } from "../../src/kafka/task-producer.ts";

const rec = (topic: string, value: string, partition = 0): TopicRecord => ({
  topic,
  record: { key: "k", value, partition },
});

test("a record's size bound counts key, value, headers (UTF-8 bytes) and the widest varints", () => {
  assert.equal(recordBytes({ key: "k", value: "abc" }), 36 + 1 + 3);
  assert.equal(recordBytes({ key: null, value: "é" }), 36 + 2);
  assert.equal(recordBytes({ key: "k", value: "v", headers: { h: "xy" } }), 36 + 2 + 10 + 3);
  assert.ok(fitsAlone({ key: "k", value: "x".repeat(100) }, BATCH_OVERHEAD_BYTES + 137));
  assert.ok(!fitsAlone({ key: "k", value: "x".repeat(100) }, BATCH_OVERHEAD_BYTES + 136));
});

test("sends keep the order per topic and stay under each topic's batch limit and the send limit", () => {
  const size = recordBytes(rec("a", "x0").record); // 40 bytes
  const limits: Record<string, number> = { a: BATCH_OVERHEAD_BYTES + 2 * size, b: 1_000_000 };
  const rs = [
    rec("a", "x0"),
    rec("a", "x1"),
    rec("b", "y0"),
    rec("a", "x2"),
    rec("a", "x3", 1),
    rec("b", "y1"),
    rec("b", "y2"),
  ];
  const chunks = chunkRecords(rs, { maxMessageBytes: (t) => limits[t]!, maxSendBytes: 3 * size });
  assert.deepEqual(
    chunks.map((c) => c.map((t) => `${t.topic}:${t.messages.map((m) => m.value).join(",")}`)),
    // x2 would make a's partition-0 batch 3 records; y2 would make the second send 4 records.
    [["a:x0,x1", "b:y0"], ["a:x2,x3", "b:y1"], ["b:y2"]],
  );
});

test("a record over the limit gets a send of its own; the others keep theirs", () => {
  const big = rec("a", "x".repeat(500));
  const chunks = chunkRecords([rec("a", "s0"), big, rec("a", "s1")], {
    maxMessageBytes: () => 200,
    maxSendBytes: 10_000,
  });
  assert.deepEqual(
    chunks.map((c) => c.flatMap((t) => t.messages.map((m) => String(m.value).slice(0, 2)))),
    [["s0"], ["xx"], ["s1"]],
  );
});

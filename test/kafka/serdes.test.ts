// Kafka I/O stage tests: the wire format of outputs, dead letters and changelog records.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { DeadLetter, OutputRecord } from "../../src/core/record.ts";
import {
  HEADERS,
  parseChange,
  parseDeadLetter,
  serializeChange,
  serializeDeadLetter,
  serializeOutput,
} from "../../src/kafka/serdes.ts";

test("an output record: key, JSON value, timestamp, rule header, explicit partition", () => {
  const out: OutputRecord = {
    topic: "alerts",
    key: "acct-1",
    value: { n: 3, who: "x" },
    timestamp: 1700000000123,
    rule: "velocity",
  };
  assert.deepEqual(serializeOutput(out, 5), {
    key: "acct-1",
    value: '{"n":3,"who":"x"}',
    timestamp: "1700000000123",
    headers: { [HEADERS.rule]: "velocity" },
    partition: 5,
  });
  const evidence = { kind: "events", events: [{ topic: "t", partition: 0, offset: 7 }] } as const;
  const wire = serializeOutput({ ...out, evidence, timestamp: -5 });
  assert.equal(wire.timestamp, "0");
  assert.deepEqual(JSON.parse(wire.headers?.[HEADERS.evidence] ?? ""), evidence);
});

test("a dead letter keeps the raw input and says why and where from in headers, and reads back", () => {
  const dl: DeadLetter = {
    reason: "decode-error",
    message: "Unexpected token } in JSON",
    rule: null,
    origin: { topic: "payments", partition: 2, offset: 41 },
    raw: "{bad json}",
    timestamp: 1700000000000,
  };
  const wire = serializeDeadLetter(dl);
  assert.equal(wire.value, "{bad json}");
  assert.equal(wire.key, "payments/2/41");
  assert.deepEqual(wire.headers, {
    [HEADERS.reason]: "decode-error",
    [HEADERS.dlqRule]: "",
    [HEADERS.sourceTopic]: "payments",
    [HEADERS.sourcePartition]: "2",
    [HEADERS.sourceOffset]: "41",
    [HEADERS.error]: "Unexpected token } in JSON",
  });
  const asBuffers = Object.fromEntries(
    Object.entries(wire.headers ?? {}).map(([k, v]) => [k, Buffer.from(v)]),
  );
  assert.deepEqual(parseDeadLetter(wire.value, asBuffers, dl.timestamp), dl);
  const withRule = { ...dl, rule: "velocity", reason: "operator-error" as const };
  assert.deepEqual(parseDeadLetter(dl.raw, serializeDeadLetter(withRule).headers, dl.timestamp), withRule);
  assert.equal(parseDeadLetter("x", {}, 0), null);
});

test("changelog records: store key, JSON value or tombstone, input offsets header; round trip", () => {
  const offsets = { "payments/3": 120, "accounts/3": 7 };
  const put = serializeChange(
    { store: "r.win", key: "k\u0000w1", value: { sum: 12.5, n: [1, 2] } },
    3,
    offsets,
  );
  assert.deepEqual(put, {
    key: "k\u0000w1",
    value: '{"sum":12.5,"n":[1,2]}',
    partition: 3,
    headers: { [HEADERS.inputOffsets]: JSON.stringify(offsets) },
  });
  assert.deepEqual(
    parseChange("r.win", put.key ?? "", put.value, {
      [HEADERS.inputOffsets]: Buffer.from(JSON.stringify(offsets)),
    }),
    {
      change: { store: "r.win", key: "k\u0000w1", value: { sum: 12.5, n: [1, 2] } },
      inputOffsets: offsets,
    },
  );
  const del = serializeChange({ store: "r.win", key: "gone", value: null }, 0, {});
  assert.equal(del.value, null);
  assert.deepEqual(parseChange("r.win", "gone", null, undefined), {
    change: { store: "r.win", key: "gone", value: null },
    inputOffsets: {},
  });
});

import assert from "node:assert/strict";
import { test } from "node:test";
import { type RecordSchema, T } from "../../src/core/schema.ts";
import { decodeRecord, decodeTimestamp } from "../../src/runtime/decode.ts";

const schema: RecordSchema = {
  fields: [
    { name: "id", type: T.int, optional: false },
    { name: "name", type: T.string, optional: false },
    { name: "amount", type: T.float, optional: false },
    { name: "ok", type: T.bool, optional: true },
    { name: "tag", type: T.string, optional: true, defaultValue: "none" },
    { name: "ts", type: T.timestamp, optional: false },
    { name: "tags", type: { kind: "array", of: T.string }, optional: true },
    {
      name: "geo",
      type: { kind: "record", schema: { fields: [{ name: "lat", type: T.float, optional: false }] } },
      optional: true,
    },
    { name: "extra", type: T.any, optional: true },
  ],
};

const base = { id: 1, name: "a", amount: 2.5, ts: 1000 };
const j = (o: object) => JSON.stringify({ ...base, ...o });

// [input, expected row fields (subset) | [reason, message]]
const cases: [string, Record<string, unknown> | [string, string]][] = [
  [j({}), { id: 1, name: "a", amount: 2.5, ok: null, tag: "none", ts: 1000, tags: null, geo: null }],
  [j({ unknown: 5, more: { x: 1 } }), { id: 1 }],
  [j({ amount: 3 }), { amount: 3 }],
  [j({ ok: true, tag: "x" }), { ok: true, tag: "x" }],
  [j({ tag: null }), { tag: null }],
  [j({ ts: "2024-01-02T03:04:05.006Z" }), { ts: Date.UTC(2024, 0, 2, 3, 4, 5, 6) }],
  [j({ ts: "2024-01-02T03:04:05+02:00" }), { ts: Date.UTC(2024, 0, 2, 1, 4, 5) }],
  [j({ ts: "2024-01-02T03:04:05" }), { ts: Date.UTC(2024, 0, 2, 3, 4, 5) }],
  [j({ ts: "2024-01-02" }), { ts: Date.UTC(2024, 0, 2) }],
  [j({ tags: ["a", "b"] }), { tags: ["a", "b"] }],
  [j({ geo: { lat: 1.5, junk: 1 } }), { geo: { lat: 1.5 } }],
  [j({ extra: [1, { a: 2 }] }), { extra: [1, { a: 2 }] }],
  ["{not json", ["decode-error", "invalid JSON"]],
  ["", ["decode-error", "invalid JSON"]],
  ["[1,2]", ["schema-mismatch", "record: expected a JSON object, got array"]],
  ["42", ["schema-mismatch", "record: expected a JSON object, got number 42"]],
  [
    JSON.stringify({ name: "a", amount: 1, ts: 1 }),
    ["schema-mismatch", "field id: is missing (required int)"],
  ],
  [j({ id: null }), ["schema-mismatch", "field id: is null (required int)"]],
  [j({ id: 1.5 }), ["schema-mismatch", "field id: expected int, got number 1.5"]],
  [j({ id: "1" }), ["schema-mismatch", 'field id: expected int, got string "1"']],
  [j({ amount: "12" }), ["schema-mismatch", 'field amount: expected float, got string "12"']],
  [j({ ok: "yes" }), ["schema-mismatch", 'field ok: expected bool, got string "yes"']],
  [j({ name: 5 }), ["schema-mismatch", "field name: expected string, got number 5"]],
  [j({ ts: "yesterday" }), ["schema-mismatch", 'field ts: expected timestamp, got string "yesterday"']],
  [j({ ts: true }), ["schema-mismatch", "field ts: expected timestamp, got boolean"]],
  [
    j({ ts: 1772409884994000000 }),
    ["schema-mismatch", "field ts: timestamp 1772409884994000000 is outside 1970-01-01..9999-12-31"],
  ],
  [j({ ts: -1 }), ["schema-mismatch", "field ts: timestamp -1 is outside 1970-01-01..9999-12-31"]],
  [j({ ts: 253402300800000 }), ["schema-mismatch", "field ts: timestamp 253402300800000 is outside"]],
  [
    j({ ts: 1.5 }),
    ["schema-mismatch", "field ts: timestamp 1.5 is not a whole number of epoch milliseconds"],
  ],
  [j({ ts: 253402300799999 }), { ts: 253402300799999 }],
  [j({ ts: 0 }), { ts: 0 }],
  [j({ tags: "a" }), ["schema-mismatch", 'field tags: expected array<string>, got string "a"']],
  [j({ tags: ["a", 2] }), ["schema-mismatch", "field tags[1]: expected string, got number 2"]],
  [j({ geo: { lat: "x" } }), ["schema-mismatch", 'field geo.lat: expected float, got string "x"']],
  [j({ geo: {} }), ["schema-mismatch", "field geo.lat: is missing (required float)"]],
  [j({ geo: [1] }), ["schema-mismatch", "field geo: expected record, got array"]],
];

for (const [input, expected] of cases) {
  test(`decode ${input.length > 70 ? `${input.slice(0, 70)}...` : input || "(empty)"}`, () => {
    const r = decodeRecord(input, schema);
    if (Array.isArray(expected)) {
      assert.equal(r.ok, false, "should fail");
      if (r.ok) return;
      assert.equal(r.reason, expected[0]);
      assert.ok(r.message.startsWith(expected[1]), `message: ${r.message}`);
    } else {
      assert.equal(r.ok, true, r.ok ? "" : r.message);
      if (!r.ok) return;
      for (const [k, v] of Object.entries(expected)) assert.deepEqual(r.row[k], v, k);
      assert.equal("unknown" in r.row, false, "unknown fields are dropped");
    }
  });
}

test("timestamps: numbers pass through, garbage is null", () => {
  assert.equal(decodeTimestamp(5), 5);
  assert.equal(decodeTimestamp(Number.NaN), null);
  assert.equal(decodeTimestamp("2024-13-45T00:00:00Z"), null);
  assert.equal(decodeTimestamp(null), null);
  assert.equal(decodeTimestamp(1e18), null, "nanoseconds are out of range");
  assert.equal(decodeTimestamp(2.5), null, "fractional ms");
});

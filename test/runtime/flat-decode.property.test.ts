// The decoder's fast path (src/runtime/flat-json-scan.ts) must be invisible: for any text and any
// flat schema, decodeRecord answers exactly what JSON.parse plus the schema check answers (the same
// row, key order, -0, and the same error reason and message).
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import type { FieldSchema, FieldType, RecordSchema } from "../../src/core/schema.ts";
import { T } from "../../src/core/schema.ts";
import type { Value } from "../../src/core/value.ts";
import { decodeRecord, decodeRecordByParse } from "../../src/runtime/decode.ts";
import { LinePlacer, tryParse } from "../../src/runtime/file-topic.ts";
import { flatScanner } from "../../src/runtime/flat-json-scan.ts";

const NAMES = ["id", "card", "amount", "ok", "ts", "__proto__", "a b", "é"];
const TYPES: readonly FieldType[] = [T.int, T.float, T.string, T.bool, T.timestamp, T.duration];

const field: fc.Arbitrary<Omit<FieldSchema, "name">> = fc
  .record({
    type: fc.constantFrom(...TYPES),
    optional: fc.boolean(),
    withDefault: fc.boolean(),
  })
  .map(({ type, optional, withDefault }) => {
    if (!withDefault) return { type, optional };
    const defaultValue: Value = type.kind === "string" ? "dflt" : type.kind === "bool" ? false : 7;
    return { type, optional: true, defaultValue };
  });

const schema: fc.Arbitrary<RecordSchema> = fc
  .uniqueArray(fc.constantFrom(...NAMES), { minLength: 1, maxLength: NAMES.length })
  .chain((names) => fc.tuple(...names.map((name) => field.map((f) => ({ name, ...f })))))
  .map((fields) => ({ fields }));

// Values that stress the number and string readers; nested values and escapes send the text to the
// generic path, which must then answer the same.
const scalar = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(0, -0, 1e21, 1e-7, 0.1, 123.45, -99.99, 2 ** 53, 2 ** 53 + 2, 1767225600123, 5e-324),
  fc.constantFrom("2026-01-01T00:00:00Z", "2026-02-30T00:00:00Z", "2026-01-01", "x", "", "tab\there", "é€😀"),
  fc.string(),
  fc.boolean(),
  fc.constant(null),
);
const jsonValue = fc.oneof(
  { weight: 6, arbitrary: scalar },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
);
const key = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...NAMES) },
  { weight: 1, arbitrary: fc.string() },
);
const space = fc.constantFrom("", "", " ", "\n", "\t ", "\r\n");

// An object as text: entries (keys may repeat), whitespace between tokens, numbers written in
// other ways JSON allows, and sometimes damaged.
const text = fc
  .record({
    entries: fc.array(fc.tuple(key, jsonValue), { maxLength: 8 }),
    spaces: fc.array(space, { minLength: 40, maxLength: 40 }),
    numberStyle: fc.constantFrom("plain", "exponent", "padded"),
    damage: fc.option(fc.tuple(fc.nat(), fc.constantFrom("cut", "insert")), { freq: 4 }),
    insert: fc.constantFrom("x", ",", "}", "{", '"', "\\", "0", "-", ".", "e", " ", "\u0001", "\uFEFF"),
  })
  .map(({ entries, spaces, numberStyle, damage, insert }) => {
    const sp = (i: number) => spaces[i % spaces.length] as string;
    const num = (v: unknown): string => {
      const s = JSON.stringify(v);
      if (typeof v !== "number" || !Number.isFinite(v) || Object.is(v, -0)) return s;
      if (numberStyle === "exponent") return v.toExponential();
      if (numberStyle === "padded" && Number.isInteger(v) && Math.abs(v) < 1e15) return `${s}.000`;
      return s;
    };
    const parts = entries.map(
      ([k, v], i) => `${sp(i)}${JSON.stringify(k)}${sp(i + 1)}:${sp(i + 2)}${num(v)}${sp(i + 3)}`,
    );
    let t = `${sp(39)}{${parts.join(",")}}${sp(38)}`;
    if (damage !== null) {
      const [at, how] = damage;
      const i = at % (t.length + 1);
      t = how === "cut" ? t.slice(0, i) : t.slice(0, i) + insert + t.slice(i);
    }
    return t;
  });

test("decodeRecord equals JSON.parse plus the schema check, for any text and any flat schema", () => {
  let scanned = 0;
  let runs = 0;
  fc.assert(
    fc.property(schema, text, (s, t) => {
      runs++;
      if (flatScanner(s.fields.map((f) => f.name))(t, [])) scanned++;
      const fast = decodeRecord(t, s);
      const slow = decodeRecordByParse(t, s);
      assert.deepStrictEqual(fast, slow, t);
      if (fast.ok && slow.ok) assert.deepStrictEqual(Object.keys(fast.row), Object.keys(slow.row));
    }),
    { numRuns: 3000 },
  );
  // The property means something only if the fast path answered a good share of the texts.
  assert.ok(scanned > runs / 10, `fast path took ${scanned} of ${runs} texts`);
});

test("the fast scanner reads plain records and leaves escapes, nesting and junk to JSON.parse", () => {
  const scan = flatScanner(["card", "amount", "ts"]);
  const read = (t: string): unknown[] | null => {
    const slots: unknown[] = [undefined, undefined, undefined];
    return scan(t, slots) ? slots : null;
  };
  assert.deepStrictEqual(read('{"card":"c1","amount":12.5,"ts":1767225600123,"x":true}'), [
    "c1",
    12.5,
    1767225600123,
  ]);
  assert.deepStrictEqual(read(' { "amount" : -0.05 , "card": "a", "amount": 3e2 } '), ["a", 300, undefined]);
  assert.deepStrictEqual(read("{}"), [undefined, undefined, undefined]);
  for (const t of [
    '{"card":"a\\"b"}',
    '{"card":{"id":1}}',
    '{"card":[1]}',
    '{"card":"a"} x',
    '{"amount":01}',
    '{"amount":1.}',
    '{"amount":.5}',
    '{"amount":+1}',
    '{"card":"a",}',
    '{"card":"a"',
    '{"card":"tab\there"}',
    '["card"]',
    "",
  ])
    assert.equal(read(t), null, t);
});

test("the file loader places any line on the partition, key and time JSON.parse gives", () => {
  const decl = fc.record({
    keyField: fc.option(fc.constantFrom(...NAMES), { nil: null }),
    timeField: fc.option(fc.constantFrom(...NAMES), { nil: null }),
  });
  fc.assert(
    fc.property(decl, text, fc.integer({ min: 1, max: 8 }), (d, t, partitions) => {
      const full = { name: "s", topic: "s", ...d };
      const fast = new LinePlacer(full, partitions).place(t);
      const slow = new LinePlacer(full, partitions).placeRow(tryParse(t));
      assert.deepStrictEqual(fast, slow, t);
    }),
    { numRuns: 2000 },
  );
});

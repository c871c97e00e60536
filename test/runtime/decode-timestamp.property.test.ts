// The fast path for `YYYY-MM-DDTHH:MM:SS[.mmm]Z` timestamps answers exactly what date-fns' parseISO
// answers, for valid and invalid fields alike (out-of-range months, days, hours; Feb 29 and 30).
import assert from "node:assert/strict";
import { test } from "node:test";
import { isValid, parseISO } from "date-fns";
import fc from "fast-check";
import { decodeTimestamp } from "../../src/runtime/decode.ts";

const pad = (n: number, w: number) => String(n).padStart(w, "0");

function reference(raw: string): number | null {
  const d = parseISO(raw);
  if (!isValid(d)) return null;
  const ms = d.getTime();
  return Number.isInteger(ms) && ms >= 0 && ms <= Date.UTC(9999, 11, 31, 23, 59, 59, 999) ? ms : null;
}

test("ISO UTC timestamps: the fast path equals parseISO on every field combination", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 9999 }),
      fc.integer({ min: 0, max: 13 }),
      fc.integer({ min: 0, max: 32 }),
      fc.integer({ min: 0, max: 25 }),
      fc.integer({ min: 0, max: 61 }),
      fc.integer({ min: 0, max: 61 }),
      fc.option(fc.integer({ min: 0, max: 999 })),
      (y, mo, d, h, mi, s, ms) => {
        const raw = `${pad(y, 4)}-${pad(mo, 2)}-${pad(d, 2)}T${pad(h, 2)}:${pad(mi, 2)}:${pad(s, 2)}${ms === null ? "" : `.${pad(ms, 3)}`}Z`;
        assert.equal(decodeTimestamp(raw), reference(raw), raw);
      },
    ),
    { numRuns: 20_000 },
  );
  for (const raw of [
    "2024-02-29T12:00:00Z",
    "2023-02-29T12:00:00Z",
    "2026-04-31T00:00:00Z",
    "0099-01-01T00:00:00Z",
  ])
    assert.equal(decodeTimestamp(raw), reference(raw), raw);
});

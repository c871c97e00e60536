// Testing kit, property tests: schema-derived arbitraries give records the runtime decodes without
// a dead letter; field hooks hold; reordering within the lateness never makes a record late (and
// does reorder); the ready checks fail with the counterexample when the property is false.
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import {
  arbitrary,
  canonical,
  checkNoAlert,
  checkSameAlertsWhateverArrival,
  compileRules,
  declared,
  runEvents,
  timeline,
  withinLateness,
} from "../../src/testing/index.ts";

const RULES = `stream payments from topic "payments"
  key card
  format json
  schema {
    id: int, card: string, amount: float, ok: bool, note: string?, tags: array<string>,
    place: { city: string, zip: int? }, extra: any, wait: duration, ts: timestamp
  }
  event time ts, lateness 10s

rule per_minute
  from payments
  partition by card
  window tumbling 1m
  aggregate count() as n
  emit final to "counts" { card, n }

rule big
  from payments
  where amount > 500
  emit to "big" { id }
`;

const { plan } = compileRules(RULES);

/** fast-check's failure (with the counterexample) whose underlying error matches `pattern`. */
const failedWith = (pattern: RegExp) => (e: unknown) => {
  const err = e as Error & { cause?: Error };
  assert.match(err.message, /Property failed after \d+ tests?[\s\S]*Counterexample/);
  assert.match(`${err.message}\n${err.cause?.message ?? ""}`, pattern);
  return true;
};
const payments = plan.streams[0]!;

test("rows from the schema decode without dead letters, over every field type", async () => {
  await fc.assert(
    fc.asyncProperty(timeline(payments, { length: { min: 1, max: 20 } }), async (events) => {
      const r = await runEvents(plan, events);
      assert.deepEqual(r.deadLetters, []);
    }),
    { numRuns: 50 },
  );
});

test("field hooks: a set of values, a numeric range (floats with cents), an arbitrary; unknown fields throw", () => {
  const rows = fc.sample(
    arbitrary(declared(plan, "payments"), {
      fields: { card: ["a", "b"], amount: { min: 10, max: 20 }, id: fc.constant(7) },
      nulls: false,
    }),
    { numRuns: 200, seed: 1 },
  );
  for (const r of rows) {
    assert.ok(r["card"] === "a" || r["card"] === "b");
    const amount = r["amount"] as number;
    assert.ok(
      amount >= 10 && amount <= 20 && Math.abs(Math.round(amount * 100) - amount * 100) < 1e-6,
      String(amount),
    );
    assert.equal(r["id"], 7);
    assert.notEqual(r["note"], null);
  }
  assert.throws(() => arbitrary(payments, { fields: { nope: [1] } }), /payments has no field nope/);
});

test("reordering within the lateness never makes a record late, and does reorder", async () => {
  let reordered = 0;
  await fc.assert(
    fc.asyncProperty(
      timeline(payments, { gap: { min: 1, max: 15_000 }, length: { min: 2, max: 30 } }).chain((events) =>
        fc.tuple(fc.constant(events), withinLateness(events, payments.latenessMs)),
      ),
      async ([events, arrival]) => {
        if (arrival.some((e, i) => e !== events[i])) reordered++;
        assert.deepEqual(
          [...arrival].sort((a, b) => a.at - b.at),
          events,
        );
        const r = await runEvents(plan, arrival, { partitions: 2 });
        assert.deepEqual(r.deadLetters, []);
      },
    ),
    { numRuns: 60, seed: 11 },
  );
  assert.ok(reordered > 10, `reordered ${reordered} of 60`);
});

test("the ready checks fail, with the counterexample, when the property is false", async () => {
  const events = timeline(payments, {
    fields: { amount: { min: 0, max: 1000 } },
    length: { min: 1, max: 10 },
  });
  await assert.rejects(
    checkNoAlert({ rules: plan, topic: "big", events, check: { numRuns: 50, seed: 3 } }),
    failedWith(/expected no output on big, got/),
  );
  // A lateness of 10 s, but arrival up to a minute ahead of event time: records are late, windows differ.
  const oneCard = timeline(payments, {
    fields: { card: ["a"] },
    gap: { min: 1, max: 20_000 },
    length: { min: 5, max: 30 },
  });
  await assert.rejects(
    checkSameAlertsWhateverArrival({
      rules: plan,
      events: oneCard,
      reorderWithin: 60_000,
      check: { numRuns: 100, seed: 5 },
    }),
    failedWith(/outputs differ with \d partitions and arrival reordered/),
  );
});

test("canonical outputs: sorted, evidence left out, fractions to 12 significant digits", () => {
  const out = (total: number, timestamp: number) => ({
    topic: "alerts",
    key: "c1",
    timestamp,
    rule: "r",
    value: { total, parts: [total] },
    evidence: { kind: "events" as const, events: [{ topic: "p", partition: timestamp, offset: 0 }] },
  });
  assert.deepEqual(
    canonical([out(1050.8000000000002, 2), out(3, 1)]),
    canonical([out(3, 1), out(1050.8, 2)]),
  );
  assert.notDeepEqual(canonical([out(1050.8, 1)]), canonical([out(1050.81, 1)]));
});

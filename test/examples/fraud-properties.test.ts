// Property tests of the fraud rule library (dsl/lib/fraud), written with the testing kit
// (vigil/testing): generated payments from the declared schema, constrained to the cases each rule
// is about. The example-based tests of the same rules are examples/fraud/tests/*.vigil-test.
import assert from "node:assert/strict";
import { join, resolve } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import {
  arbitrary,
  checkAlertForEvery,
  checkNoAlert,
  checkSameAlertsWhateverArrival,
  compileRules,
  declared,
  interleave,
  runEvents,
  type TimedEvent,
  timeline,
} from "../../src/testing/index.ts";

const FRAUD = resolve(fileURLToPath(import.meta.url), "../../../dsl/lib/fraud");
const rules = (...names: string[]) => compileRules({ files: names.map((n) => join(FRAUD, `${n}.vigil`)) });
const START = Date.UTC(2026, 2, 1, 9);
const MINUTE = 60_000;
const cents = (min: number, max: number) =>
  fc.integer({ min: min * 100, max: max * 100 }).map((n) => n / 100);

test("card_testing: no alert when no payment is over the big-charge threshold", async () => {
  const { plan } = rules("card_testing");
  const payments = declared(plan, "payments") as Parameters<typeof timeline>[0];
  await checkNoAlert({
    rules: plan,
    topic: "alerts",
    // Mostly tiny charges (the pattern's first step), the rest up to the threshold itself (not over it).
    events: timeline(payments, {
      start: START,
      fields: { card_id: ["c1", "c2"], amount: fc.oneof(cents(0, 1.99), cents(2, 500)) },
      gap: { min: 1, max: 2 * MINUTE },
      length: { min: 0, max: 30 },
    }),
    check: { numRuns: 40 },
  });
});

test("velocity_1h: an alert for every payment past the tenth on a card within the hour, and no other", async () => {
  const { plan } = rules("velocity_1h");
  const payments = declared(plan, "payments");
  // Per card: k payments at distinct minutes of one half hour, small amounts (the total never fires).
  const burst = (card: string) =>
    fc.integer({ min: 0, max: 14 }).chain((k) =>
      fc
        .tuple(
          fc.uniqueArray(fc.integer({ min: 0, max: 30 * MINUTE - 1 }), { minLength: k, maxLength: k }),
          fc.array(arbitrary(payments, { fields: { card_id: [card], amount: { min: 1, max: 100 } } }), {
            minLength: k,
            maxLength: k,
          }),
        )
        .map(([offsets, rows]): TimedEvent[] =>
          offsets.sort((a, b) => a - b).map((o, i) => ({ source: "payments", at: START + o, row: rows[i]! })),
        ),
    );
  await checkAlertForEvery({
    rules: plan,
    topic: "alerts",
    events: fc.tuple(burst("c1"), burst("c2"), burst("c3")).map((bursts) => interleave(...bursts)),
    expected: (events) =>
      ["c1", "c2", "c3"].flatMap((card) => {
        const k = events.filter((e) => e.row["card_id"] === card).length;
        return Array.from({ length: Math.max(0, k - 10) }, (_, i) => ({
          rule: "velocity_1h",
          card_id: card,
          n: 11 + i,
        }));
      }),
    exactly: true,
    check: { numRuns: 30 },
  });
});

// Thresholds lowered so that random payments often fire; a re-keyed rule (device_many_cards)
// exercises repartitioning, patterns and sliding windows the buffering by event time.
const MIXED = ["card_testing", "velocity_1h", "device_many_cards", "impossible_travel"];
const LOW = {
  card_testing_min_small: 2,
  velocity_1h_max_count: 3,
  device_max_cards: 1,
  travel_min_km: 100.0,
};

function mixedPayments() {
  const { plan } = rules(...MIXED);
  const payments = declared(plan, "payments") as Parameters<typeof timeline>[0];
  const events = timeline(payments, {
    start: START,
    fields: {
      card_id: ["c1", "c2", "c3"],
      device_id: ["d1", "d2", null],
      amount: fc.oneof(cents(0, 1.99), cents(500.01, 900)),
      lat: [48.85, 51.5, 40.4],
      lon: [2.35, -0.12, -3.7],
    },
    gap: { min: 1, max: 45_000 },
    length: { min: 0, max: 60 },
  });
  return { plan, events };
}

test("fraud rules: the same alerts whatever the partitioning and the arrival order within the lateness", async () => {
  const { plan, events } = mixedPayments();
  await checkSameAlertsWhateverArrival({
    rules: plan,
    params: LOW,
    events,
    partitions: [1, 2, 3, 4],
    check: { numRuns: 60 },
  });
});

test("the generated payments make these rules fire (the property above is not vacuous)", async () => {
  const { plan, events } = mixedPayments();
  const fired = new Set<string>();
  for (const sample of fc.sample(events, { numRuns: 25, seed: 7 })) {
    const r = await runEvents(plan, sample, { params: LOW });
    assert.deepEqual(r.deadLetters, []);
    for (const o of r.outputs) fired.add(o.rule);
  }
  assert.deepEqual([...fired].sort(), [...MIXED].sort());
});

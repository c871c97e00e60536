// Testing kit: the driver compiles rules, pipes records with explicit times, and reads outputs per
// topic, dead letters and evidence; re-keyed rules (repartitions) and several partitions work.
import assert from "node:assert/strict";
import { test } from "node:test";
import { createTestDriver } from "../../src/testing/index.ts";

const RULES = `stream payments from topic "payments"
  key card
  format json
  schema { id: int, card: string, device: string?, amount: float, ts: timestamp }
  event time ts, lateness 5s

rule big
  from payments
  where amount > 100
  emit to "big" { id, card }

rule per_device
  from payments
  where device is not null
  partition by device
  window tumbling 1m
  aggregate count(distinct card) as cards
  having cards >= 2
  emit final to "devices" { device, cards, at: window_end }
`;

const pay = (id: number, card: string, amount: number, device: string | null = null) => ({
  id,
  card,
  amount,
  device,
  ts: 0,
});

test("pipe with explicit times, end the input, read outputs per topic", async () => {
  const d = await createTestDriver({ rules: RULES });
  d.pipe("payments", pay(1, "c1", 50), { at: 1_000 });
  d.pipe("payments", pay(2, "c1", 500), { at: "1970-01-01T00:00:02" });
  d.endOfInput();
  assert.deepEqual(d.values("big"), [{ id: 2, card: "c1" }]);
  assert.equal(d.outputs("big")[0]!.timestamp, 2_000);
  assert.deepEqual(d.values("devices"), []);
  assert.equal(d.watermark(), Number.POSITIVE_INFINITY);
});

test("a re-keyed rule over several partitions: records meet in the downstream task", async () => {
  for (const partitions of [1, 2, 3]) {
    const d = await createTestDriver({ rules: RULES, partitions });
    d.pipe("payments", pay(1, "a", 5, "dev1"), { at: 1_000 });
    d.pipe("payments", pay(2, "b", 5, "dev1"), { at: 2_000 });
    d.pipe("payments", pay(3, "c", 5, "dev2"), { at: 3_000 });
    d.endOfInput();
    assert.deepEqual(
      d.values("devices"),
      [{ device: "dev1", cards: 2, at: 60_000 }],
      `${partitions} partitions`,
    );
    const [alert] = d.outputs("devices");
    assert.deepEqual(
      d.evidenceOf(alert!).map((p) => (p.row as { id: number }).id),
      [1, 2],
    );
  }
});

test("as-piped arrival: a window closes once a later record moves the watermark past it", async () => {
  const d = await createTestDriver({ rules: RULES, arrival: "as-piped" });
  d.pipe("payments", pay(1, "a", 5, "dev1"), { at: 1_000 });
  d.pipe("payments", pay(2, "b", 5, "dev1"), { at: 2_000 });
  assert.deepEqual(d.values("devices"), [], "the minute is still open");
  d.pipe("payments", pay(3, "c", 5, "dev2"), { at: 66_000 });
  assert.deepEqual(d.values("devices"), [{ device: "dev1", cards: 2, at: 60_000 }]);
  d.pipe("payments", pay(4, "d", 5, "dev1"), { at: 3_000 });
  assert.deepEqual(
    d.deadLetters().map((l) => [l.reason, l.rule]),
    [["late-record", "per_device"]],
  );
});

test("bad input is a dead letter; an unknown stream is an error naming the declared ones", async () => {
  const d = await createTestDriver({ rules: RULES });
  d.pipe("payments", "{not json", { at: 5 });
  d.pipe("payments", { id: 1, card: "c", amount: "x", ts: 6 });
  d.endOfInput();
  assert.deepEqual(
    d.deadLetters().map((l) => l.reason),
    ["decode-error", "schema-mismatch"],
  );
  assert.throws(() => d.pipe("nope", {}), /no stream or table named nope \(declared: payments\)/);
});

test("rules that do not compile throw with the rendered diagnostics", async () => {
  await assert.rejects(
    createTestDriver({ rules: 'rule x from nowhere emit to "t" { a }' }),
    /rules do not compile/,
  );
});

test("merged arrival: a task waits for each of its inputs; endOf(stream) releases what it held", async () => {
  const rules = `${RULES}
stream logins from topic "logins"
  key card
  format json
  schema { card: string, ts: timestamp }
  event time ts

rule seen
  from logins
  emit to "seen" { card }
`;
  const d = await createTestDriver({ rules });
  d.pipe("payments", pay(1, "c1", 500), { at: 1_000 });
  assert.deepEqual(d.values("big"), [], "logins has no data yet: the merge waits");
  d.endOf("logins");
  assert.deepEqual(d.values("big"), [{ id: 1, card: "c1" }]);
  const piped = await createTestDriver({ rules, arrival: "as-piped" });
  piped.pipe("payments", pay(1, "c1", 500), { at: 1_000 });
  assert.deepEqual(piped.values("big"), [{ id: 1, card: "c1" }], "as piped: processed at once");
});

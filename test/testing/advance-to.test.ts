// Testing kit: advanceTo moves event time without a record; windows close, later records behind it
// are late, and moving backwards does nothing.
import assert from "node:assert/strict";
import { test } from "node:test";
import { createTestDriver, parseTestFile, type TestDriverOptions } from "../../src/testing/index.ts";

const RULES = `stream payments from topic "payments"
  key card
  format json
  schema { id: int, card: string, device: string?, amount: float, ts: timestamp }
  event time ts, lateness 5s

-- Payments per device and minute (re-keyed by device: a repartition between two tasks).
rule device_minute
  from payments
  where device is not null
  partition by device
  window tumbling 1m
  aggregate count() as n
  having n >= 2
  emit final to "devices" { device, n, at: window_end }
`;

const pay = (id: number, card: string, device: string) => ({ id, card, amount: 5, device, ts: 0 });

const setups: readonly Partial<TestDriverOptions>[] = [
  { partitions: 1 },
  { partitions: 1, arrival: "as-piped" },
  { partitions: 3, arrival: "as-piped" },
];

for (const setup of setups) {
  const name = `${setup.partitions} partition(s), ${setup.arrival ?? "merged"}`;

  test(`advanceTo closes a re-keyed window with no further record (${name})`, async () => {
    const d = await createTestDriver({ rules: RULES, ...setup });
    d.pipe("payments", pay(1, "a", "dev1"), { at: 1_000 });
    d.pipe("payments", pay(2, "b", "dev1"), { at: 2_000 });
    d.advanceTo(59_999);
    assert.deepEqual(d.values("devices"), [], "the window [0, 60000) is still open");
    d.advanceTo("1970-01-01T00:01:00");
    assert.deepEqual(d.values("devices"), [{ device: "dev1", n: 2, at: 60_000 }]);
    assert.ok(d.watermark() >= 60_000);
    d.pipe("payments", pay(3, "c", "dev1"), { at: 30_000 });
    assert.deepEqual(
      d.deadLetters().map((l) => [l.reason, l.rule]),
      [["late-record", "device_minute"]],
    );
  });
}

test("advanceTo backwards changes nothing; after endOfInput it is refused", async () => {
  const d = await createTestDriver({ rules: RULES });
  d.pipe("payments", pay(1, "a", "dev1"), { at: 1_000 });
  d.advanceTo(40_000);
  const wm = d.watermark();
  assert.equal(wm, 40_000);
  d.advanceTo(10_000);
  assert.equal(d.watermark(), wm);
  d.pipe("payments", pay(2, "b", "dev1"), { at: 50_000 });
  d.endOfInput();
  assert.deepEqual(d.values("devices"), [{ device: "dev1", n: 2, at: 60_000 }]);
  assert.throws(() => d.advanceTo(100_000), /input has ended/);
});

test("`advance to <time>` in a test file is placed after the inputs before it; a bad one names its line", () => {
  const text = [
    "rules r.vigil",
    "date 2026-03-01",
    "test t",
    "  in payments at 10:00 {}",
    "  advance to 10:30",
    "  advance to +1m",
    "  in payments at 10:40 {}",
  ].join("\n");
  const [t] = parseTestFile("x.vigil-test", text).tests;
  const day = Date.UTC(2026, 2, 1);
  assert.deepEqual(t!.advances, [
    { line: 5, at: day + 10.5 * 3_600_000, afterInputs: 1 },
    { line: 6, at: day + 10.5 * 3_600_000 + 60_000, afterInputs: 1 },
  ]);
  assert.throws(
    () => parseTestFile("x.vigil-test", "rules r.vigil\ntest t\n  advance 10:30\n"),
    /x\.vigil-test:3: write `advance to <time>`/,
  );
});

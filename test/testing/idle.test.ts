// Testing kit: idle inputs as a Kafka worker decides them. `driver.idle(stream, ms)` and the test-file
// statement `idle <stream> for <duration>` state that the stream brought nothing for that long; at
// or past its `idle after`, its partitions' watermarks advance to that time less the lateness, so the
// windows of quiet keys close and a record that comes later with an earlier time is late.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { createTestDriver } from "../../src/testing/driver.ts";
import { parseTestFile } from "../../src/testing/test-file/parse.ts";
import { runTestFile } from "../../src/testing/test-file/run-file.ts";

const RULES = `
stream payments from topic "payments"
  key card
  schema { card: string, amount: float, ts: timestamp }
  event time ts, lateness 1s, idle after 1m
rule per_minute
  from payments
  partition by card
  window tumbling 1m
  aggregate count() as n
  emit final to "counts" { card, n, start: window_start }
`;

const MIN = 60_000;

test("driver.idle: below `idle after` nothing moves; past it the quiet stream's windows close", async () => {
  const d = await createTestDriver({ rules: RULES, partitions: 2 });
  d.pipe("payments", { card: "a", amount: 1 }, { at: 10 * MIN + 10_000 });
  d.pipe("payments", { card: "b", amount: 1 }, { at: 10 * MIN + 20_000 });
  assert.equal(d.idle("payments", 30_000), false);
  assert.deepEqual(d.values("counts"), []);
  assert.equal(d.idle("payments", 2 * MIN), true);
  // The windows [10:00, 10:01) of both cards closed without another record.
  assert.deepEqual(
    d.values("counts").sort((x, y) => String(x["card"]).localeCompare(String(y["card"]))),
    [
      { card: "a", n: 1, start: 10 * MIN },
      { card: "b", n: 1, start: 10 * MIN },
    ],
  );
  assert.equal(d.watermark(), 10 * MIN + 20_000 + 2 * MIN - 1_000);
  // A record that comes later but belongs before the watermark is late.
  d.pipe("payments", { card: "a", amount: 1 }, { at: 10 * MIN + 30_000 });
  d.endOfInput();
  assert.deepEqual(
    d.deadLetters().map((l) => l.reason),
    ["late-record"],
  );
});

test("`idle <stream> for <duration>` in a test file: parsed in place, run in file order, bad ones name their line", async () => {
  const dir = mkdtempSync(join(tmpdir(), "vigil-idle-test-"));
  try {
    writeFileSync(join(dir, "r.vigil"), RULES);
    const text = [
      "rules r.vigil",
      "date 2026-03-01",
      "test quiet card",
      '  in payments at 10:00:10 {"card": "a", "amount": 1}',
      "  idle payments for 2m",
      '  in payments at 10:00:30 {"card": "a", "amount": 1}',
      '  expect counts {"card": "a", "n": 1}',
      "  expect dead-letter late-record per_minute",
      "test not idle long enough",
      '  in payments at 10:00:10 {"card": "a", "amount": 1}',
      "  idle payments for 30s",
      '  in payments at 10:00:30 {"card": "a", "amount": 1}',
      '  expect counts {"card": "a", "n": 2}',
    ].join("\n");
    const path = join(dir, "idle.vigil-test");
    const [first] = parseTestFile(path, text).tests;
    assert.deepEqual(first!.idles, [{ line: 5, source: "payments", forMs: 2 * MIN, afterInputs: 1 }]);
    const result = await runTestFile(path, text);
    assert.deepEqual(
      result.cases.map((c) => [c.test.name, c.mismatches.length]),
      [
        ["quiet card", 0],
        ["not idle long enough", 0],
      ],
    );
    assert.throws(
      () => parseTestFile(path, "rules r.vigil\ntest t\n  idle payments 2m\n"),
      /:3: write `idle <stream> for <duration>`/,
    );
    await assert.rejects(
      runTestFile(path, "rules r.vigil\ntest t\n  idle pay for 2m\n"),
      /:3: no stream named pay \(declared: payments\)/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

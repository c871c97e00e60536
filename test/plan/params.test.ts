// Plan stage tests: `--param` overrides are typed by the parameter's declared type; unknown names
// and values of the wrong type are errors (never silently ignored or left as strings).
import assert from "node:assert/strict";
import { test } from "node:test";
import { compileProgram } from "../../src/plan/compile.ts";
import { parseParamValue, resolveParamOverrides } from "../../src/plan/params.ts";
import type { ProgramPlan } from "../../src/plan/plan.ts";

const TEXT = `
stream payments from topic "payments" key card_id
  schema { card_id: string, amount: float, n: int, ok: bool, merchant: string, ts: timestamp }
  event time ts
param big = 500.0
param max_n = 3
param flag = true
param shop = "acme"
param gap = 10m
param unused = 7
rule r from payments
  where amount > big and n < max_n and ok = flag and merchant = shop
    and ts - ts < gap
  emit to "o" { card_id }
`;

function plan(): ProgramPlan {
  const { plan, diagnostics } = compileProgram([{ path: "p.vigil", text: TEXT }]);
  assert.deepEqual(
    diagnostics.map((d) => d.message),
    [],
  );
  return plan!;
}

test("overrides are parsed by the declared type of each parameter", () => {
  const { values, errors } = resolveParamOverrides(plan(), {
    big: "1000",
    max_n: "5",
    flag: "false",
    shop: "x y",
    gap: "1h30m",
    unused: "2.5",
  });
  assert.deepEqual(errors, []);
  assert.deepEqual(Object.fromEntries(values), {
    big: 1000,
    max_n: 5,
    flag: false,
    shop: "x y",
    gap: 5_400_000,
    unused: 2.5,
  });
});

test("a value of the wrong type is an error naming the type", () => {
  const { values, errors } = resolveParamOverrides(plan(), {
    big: "abc",
    max_n: "2.5",
    gap: "5",
    flag: "yes",
  });
  assert.equal(values.size, 0);
  assert.equal(errors.length, 4);
  assert.match(errors[0]!, /parameter big is a float: cannot use "abc"/);
  assert.match(errors[1]!, /max_n is an int/);
  assert.match(errors[2]!, /gap is a duration \(e\.g\. 500ms/);
  assert.match(errors[3]!, /flag is a bool/);
});

test("an unknown parameter is an error with a did-you-mean", () => {
  const { errors } = resolveParamOverrides(plan(), { max_m: "3", zzz_qqq: "1" });
  assert.equal(errors[0], "unknown parameter max_m: did you mean `max_n`?");
  assert.match(errors[1]!, /^unknown parameter zzz_qqq \(declared: big, max_n, flag, shop, gap, unused\)$/);
});

test("durations and timestamps parse to milliseconds", () => {
  assert.equal(parseParamValue("500ms", "duration"), 500);
  assert.equal(parseParamValue("30s", "duration"), 30_000);
  assert.equal(parseParamValue("5m", "duration"), 300_000);
  assert.equal(parseParamValue("7d", "duration"), 604_800_000);
  assert.equal(parseParamValue("1.5h", "duration"), undefined);
  assert.equal(parseParamValue("5x", "duration"), undefined);
  assert.equal(parseParamValue("2024-01-31T12:00:00Z", "timestamp"), Date.UTC(2024, 0, 31, 12));
  assert.equal(parseParamValue("2024-01-31T12:00:00", "timestamp"), Date.UTC(2024, 0, 31, 12));
  assert.equal(parseParamValue("2024-01-31", "timestamp"), Date.UTC(2024, 0, 31));
  assert.equal(parseParamValue("1700000000000", "timestamp"), 1_700_000_000_000);
  assert.equal(parseParamValue("yesterday", "timestamp"), undefined);
  assert.equal(parseParamValue('"quoted"', "string"), "quoted");
  assert.equal(parseParamValue("1e3", "float"), 1000);
  assert.equal(parseParamValue("", "float"), undefined);
});

test("typed values (a JSON config file) are accepted when they have the parameter's type", () => {
  const { values, errors } = resolveParamOverrides(plan(), { big: 750, max_n: 4, flag: true, gap: 60_000 });
  assert.deepEqual(errors, []);
  assert.deepEqual(Object.fromEntries(values), { big: 750, max_n: 4, flag: true, gap: 60_000 });
  const bad = resolveParamOverrides(plan(), { max_n: 2.5, flag: 1, shop: null });
  assert.deepEqual(bad.errors, [
    "parameter max_n is an int: cannot use 2.5",
    "parameter flag is a bool (true or false): cannot use 1",
    "parameter shop is a string: cannot use null",
  ]);
});

// Tests for the fraud example's generator: determinism (same seed, same bytes), labels that agree
// with the events, bounded out-of-orderness, and legitimate traffic that stays clear of the rules.
import assert from "node:assert/strict";
import { test } from "node:test";
import { type Dataset, datasetFiles, generateDataset } from "../../examples/fraud/gen/dataset.ts";
import type { Activity, Payment } from "../../examples/fraud/gen/events.ts";
import { Rng } from "../../examples/fraud/gen/prng.ts";
import { RULE_NAMES } from "../../examples/fraud/gen/scenario-kit.ts";
import { isImpossibleTravel, isSpike } from "../../examples/fraud/gen/secondary.ts";

const OPTIONS = {
  seed: 11,
  customers: 400,
  days: 3,
  start: Date.UTC(2026, 0, 5),
  fraudRate: 3,
  brokenLines: 2,
  evasiveShare: 0.1,
  lookalikeRate: 0.6,
};
const ds: Dataset = generateDataset(OPTIONS);
const files = datasetFiles(ds);

test("same seed, same bytes; another seed, other bytes", () => {
  const again = datasetFiles(generateDataset({ ...OPTIONS }));
  assert.deepEqual([...again.keys()], [...files.keys()]);
  for (const [name, text] of files) assert.equal(again.get(name), text, name);
  const other = datasetFiles(generateDataset({ ...OPTIONS, seed: 12 }));
  assert.notEqual(other.get("payments.jsonl"), files.get("payments.jsonl"));
});

test("the PRNG is deterministic, forks are independent, draws are in range", () => {
  const a = new Rng(5);
  const b = new Rng(5);
  const xs = Array.from({ length: 1000 }, () => a.next());
  assert.deepEqual(
    xs,
    Array.from({ length: 1000 }, () => b.next()),
  );
  assert.ok(xs.every((x) => x >= 0 && x < 1));
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  assert.ok(Math.abs(mean - 0.5) < 0.05, `mean ${mean}`);
  assert.notEqual(new Rng(5).fork("a").next(), new Rng(5).fork("b").next());
  const r = new Rng(9);
  for (let i = 0; i < 200; i++) {
    const n = r.int(3, 7);
    assert.ok(Number.isInteger(n) && n >= 3 && n <= 7);
  }
});

test("every scenario is injected, and every label's events exist with the label's key and span", () => {
  for (const rule of RULE_NAMES) assert.ok(ds.injected[rule] > 0, `${rule} injected`);
  const payments = new Map(ds.payments.map((p) => [p.payment_id, p]));
  const activity = new Map(ds.activity.map((a) => [a.event_id, a]));
  for (const label of ds.labels) {
    assert.ok(label.event_ids.length > 0);
    const events = label.event_ids.map((id) => payments.get(id) ?? activity.get(id));
    assert.ok(
      events.every((e) => e !== undefined),
      `${label.scenario}: events exist`,
    );
    const times = events.map((e) => e!.ts);
    assert.equal(label.start, Math.min(...times));
    assert.equal(label.end, Math.max(...times));
    for (const e of events) assert.ok(keysOf(e!).includes(label.key), `${label.scenario} key ${label.key}`);
  }
});

/** The values a rule may be keyed by, for one event. */
function keysOf(e: Payment | Activity): string[] {
  if ("payment_id" in e) return [e.card_id, e.device_id ?? ""];
  return [e.customer_id, e.beneficiary_account ?? "", e.account ?? ""];
}

test("files: JSONL per stream and table, broken lines added, out of order by less than 30 s", () => {
  assert.deepEqual(
    [...files.keys()],
    ["payments.jsonl", "activity.jsonl", "cards.jsonl", "customers.jsonl", "labels.jsonl", "manifest.json"],
  );
  for (const [name, records] of [
    ["payments.jsonl", ds.payments],
    ["activity.jsonl", ds.activity],
  ] as const) {
    const lines = files.get(name)!.trimEnd().split("\n");
    assert.equal(lines.length, records.length + OPTIONS.brokenLines);
    let maxTs = Number.NEGATIVE_INFINITY;
    let outOfOrder = 0;
    for (const r of records) {
      assert.ok(maxTs - r.ts < 30_000, `${name}: ${maxTs - r.ts} ms out of order`);
      if (r.ts < maxTs) outOfOrder++;
      maxTs = Math.max(maxTs, r.ts);
    }
    assert.ok(outOfOrder > 0, `${name} has some out-of-order records`);
  }
  const cards = files
    .get("cards.jsonl")!
    .trimEnd()
    .split("\n")
    .map((l) => JSON.parse(l));
  assert.ok(
    cards.some((c) => c.last_used < OPTIONS.start - 90 * 86_400_000),
    "some cards are dormant",
  );
});

test("evasive incidents and legitimate look-alikes are both present, and apart from labels", () => {
  assert.ok(
    ds.labels.some((l) => l.evasive === true),
    "some incidents are evasive",
  );
  const kinds = new Set(ds.lookalikes.map((l) => l.kind));
  assert.deepEqual([...kinds].sort(), ["big_purchase", "traveller_failed_logins"]);
  const labelled = new Set(ds.labels.flatMap((l) => l.event_ids));
  for (const l of ds.lookalikes)
    for (const id of l.event_ids) assert.ok(!labelled.has(id), `${id} is not labelled`);
});

test("other legitimate payments never cross the amount-spike or impossible-travel conditions", () => {
  const labelled = new Set([...ds.labels, ...ds.lookalikes].flatMap((l) => l.event_ids));
  const avg = new Map(ds.world.customers.flatMap((c) => c.cards.map((k) => [k.id, k.avgAmount30d] as const)));
  const byCard = new Map<string, Payment[]>();
  for (const p of [...ds.payments].sort((a, b) => a.ts - b.ts))
    byCard.set(p.card_id, [...(byCard.get(p.card_id) ?? []), p]);
  for (const p of ds.payments) {
    if (!labelled.has(p.payment_id)) assert.ok(!isSpike(p, avg.get(p.card_id)), `${p.payment_id} is a spike`);
  }
  for (const list of byCard.values()) {
    for (let i = 1; i < list.length; i++) {
      const [a, b] = [list[i - 1]!, list[i]!];
      if (labelled.has(a.payment_id) || labelled.has(b.payment_id)) continue;
      assert.ok(!isImpossibleTravel(a, b), `${a.payment_id} -> ${b.payment_id}`);
    }
  }
});

test("generator flags: defaults, overrides, and usage errors", async () => {
  const { parseGenerateArgs, DEFAULT_OPTIONS } = await import("../../examples/fraud/generate.ts");
  const d = parseGenerateArgs([]);
  assert.ok(typeof d !== "string");
  assert.deepEqual(d.options, DEFAULT_OPTIONS);
  const o = parseGenerateArgs([
    "--seed",
    "42",
    "--customers",
    "500",
    "--days",
    "3",
    "--start",
    "2026-05-01",
    "--out",
    "/tmp/x",
  ]);
  assert.ok(typeof o !== "string");
  assert.equal(o.dir, "/tmp/x");
  assert.deepEqual(
    [o.options.seed, o.options.customers, o.options.days, o.options.start],
    [42, 500, 3, Date.UTC(2026, 4, 1)],
  );
  assert.match(String(parseGenerateArgs(["--seed"])), /needs a value/);
  assert.match(String(parseGenerateArgs(["--days", "x"])), /bad number/);
  assert.match(String(parseGenerateArgs(["--start", "soon"])), /bad --start/);
  assert.match(String(parseGenerateArgs(["--nope", "1"])), /unknown option/);
});

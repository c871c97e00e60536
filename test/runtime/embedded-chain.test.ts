// Runtime tests (issue 15): the embedded runner chains rules. A rule emitting to the topic of a
// declared stream that has no input feeds the rules reading that stream, as on Kafka; the result
// equals a brute-force reference, and is the same for every partition count, batch size, commit
// interval and stop/resume point.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import fc from "fast-check";
import type { Row } from "../../src/core/value.ts";
import { compileProgram } from "../../src/plan/compile.ts";
import { chainStages } from "../../src/runtime/embedded-chain.ts";
import { runEmbedded } from "../../src/runtime/embedded-runner.ts";

// The source stream every chain here starts from.
const PAYMENTS = `stream payments from topic "payments" key card
  schema { id: int, card: string, amount: float, ts: timestamp } event time ts
`;

const RULES = `${PAYMENTS}stream large from topic "large-payments" key card
  schema { id: int, card: string, amount: float, ts: timestamp } event time ts
stream bursts from topic "bursts" key card
  schema { card: string, n: int, at: timestamp } event time at

rule flag_large
  from payments
  where amount > 100
  emit to "large-payments" { id, card, amount, ts }

rule repeated_large
  from large
  window tumbling 1m
  aggregate count() as n
  having n >= 2
  emit final to "bursts" { card, n, at: window_end }

rule big_burst
  from bursts
  where n >= 3
  emit to "alerts" { card, n, at }
`;

const plan = compileProgram([{ path: "chain.vigil", text: RULES }]).plan!;

function payments(seed: number, count: number): Row[] {
  let x = seed;
  const next = (m: number) => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x % m;
  };
  return Array.from({ length: count }, (_, i) => ({
    id: i,
    card: `c${next(6)}`,
    amount: next(250),
    ts: 1_700_000_000_000 + i * 1_500,
  }));
}

/** Brute force: large payments, then per card and minute the count of large ones, then bursts of 3+. */
function reference(rows: readonly Row[]): string[] {
  const large = rows.filter((r) => Number(r["amount"]) > 100);
  const counts = new Map<string, number>();
  for (const r of large) {
    const end = Math.floor(Number(r["ts"]) / 60_000) * 60_000 + 60_000;
    const k = `${r["card"]}|${end}`;
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  const bursts = [...counts].filter(([, n]) => n >= 2);
  return [
    ...large.map(
      (r) =>
        `flag_large ${JSON.stringify({ id: r["id"], card: r["card"], amount: r["amount"], ts: r["ts"] })}`,
    ),
    ...bursts.map(([k, n]) => {
      const [card, end] = k.split("|");
      return `repeated_large ${JSON.stringify({ card, n, at: Number(end) })}`;
    }),
    ...bursts
      .filter(([, n]) => n >= 3)
      .map(([k, n]) => {
        const [card, end] = k.split("|");
        return `big_burst ${JSON.stringify({ card, n, at: Number(end) })}`;
      }),
  ].sort();
}

const lines = (outs: readonly { rule: string; value: Row }[]) =>
  outs.map((o) => `${o.rule} ${JSON.stringify(o.value)}`).sort();

test("three chained rules run in three stages; a stream given a file is not fed", () => {
  assert.deepEqual(chainStages(plan, { records: { payments: payments(1, 5) } }), [
    ["flag_large"],
    ["repeated_large"],
    ["big_burst"],
  ]);
  const both = { records: { payments: payments(1, 5), large: payments(2, 5) } };
  assert.deepEqual(chainStages(plan, both), [["flag_large", "repeated_large"], ["big_burst"]]);
});

test("a chained replay equals the brute-force reference", async () => {
  const rows = payments(7, 400);
  const result = await runEmbedded({ plan, inputs: { records: { payments: rows } }, partitions: 3 });
  const want = reference(rows);
  assert.ok(want.filter((w) => w.startsWith("big_burst")).length >= 3, "the data has bursts");
  assert.deepEqual(lines(result.outputs), want);
  assert.equal(result.stats.outputsByRule["big_burst"], want.filter((w) => w.startsWith("big_burst")).length);
});

test("a chained replay is the same for any partitions, batch size, commit interval and stop point", async () => {
  const rows = payments(11, 300);
  const base = await runEmbedded({ plan, inputs: { records: { payments: rows } }, partitions: 1 });
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 1, max: 4 }),
      fc.integer({ min: 1, max: 60 }),
      fc.integer({ min: 5, max: 200 }),
      fc.integer({ min: 1, max: 700 }),
      async (partitions, batchSize, commitEvery, stopAfter) => {
        const inputs = { records: { payments: rows } };
        const whole = await runEmbedded({ plan, inputs, partitions, batchSize, commitEvery });
        assert.deepEqual(lines(whole.canonical), lines(base.canonical));
        const dir = mkdtempSync(join(tmpdir(), "vigil-chain-"));
        try {
          const stateDir = join(dir, "state");
          // Stops like a crash in some stage (stopAfter counts the records pushed by that stage's run).
          await runEmbedded({ plan, inputs, partitions, batchSize, commitEvery, stateDir, stopAfter });
          const r = await runEmbedded({ plan, inputs, partitions, batchSize, commitEvery, stateDir });
          assert.equal(r.stopped, false);
          assert.deepEqual(
            r.outputs.map((o) => JSON.stringify(o)),
            whole.outputs.map((o) => JSON.stringify(o)),
          );
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      },
    ),
    { numRuns: 10 },
  );
});

test("a stream fed by a pattern's timeout topic runs after it, and gets its timed-out matches", async () => {
  const text = `${PAYMENTS}stream unfinished from topic "unfinished" key card
  schema { card: string, small_id: int, at: timestamp } event time at

rule small_then_large
  from payments
  match small: amount < 20 -> large: amount > 240
  within 10s
  on timeout emit to "unfinished" { card: small.card, small_id: small.id, at: small.ts }
  emit to "alerts" { card, small_id: small.id }

rule review_unfinished
  from unfinished
  emit to "review" { card, small_id, at }
`;
  const timeoutPlan = compileProgram([{ path: "timeout-chain.vigil", text }]).plan!;
  const rows = payments(3, 400);
  assert.deepEqual(chainStages(timeoutPlan, { records: { payments: rows } }), [
    ["small_then_large"],
    ["review_unfinished"],
  ]);
  const out = await runEmbedded({ plan: timeoutPlan, inputs: { records: { payments: rows } } });
  const timedOut = out.outputs.filter((o) => o.topic === "unfinished").map((o) => o.value["small_id"]);
  const reviewed = out.outputs.filter((o) => o.topic === "review").map((o) => o.value["small_id"]);
  assert.ok(timedOut.length > 0, "the data must time some matches out");
  assert.deepEqual([...reviewed].sort(), [...timedOut].sort());
});

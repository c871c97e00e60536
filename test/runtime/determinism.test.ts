// Property tests of brief section 4.1: the same input gives the same output for any partition count
// (keyed rules), any batch size and commit interval, and any stop-and-resume point (RocksDB reopened).
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import fc from "fast-check";
import type { OutputRecord } from "../../src/core/record.ts";
import type { Row } from "../../src/core/value.ts";
import { runEmbedded } from "../../src/runtime/embedded-runner.ts";
import { filterRule, paymentRows, planOf, windowRule } from "./support/plans.ts";

const plan = planOf([
  filterRule(),
  windowRule("tumble", { kind: "tumbling", sizeMs: 10_000 }),
  windowRule("hop", { kind: "hopping", sizeMs: 6_000, advanceMs: 2_000 }, { emit: "changes" }),
  windowRule("bucket", { kind: "tumbling", sizeMs: 7_000 }, { rekey: true }),
]);

/** Outputs without evidence (partition and offset coordinates depend on the partition count). */
const strip = (outs: readonly OutputRecord[]) => outs.map(({ evidence: _e, ...rest }) => rest);

test("reference check: the filter and the tumbling window agree with brute force", async () => {
  const rows = paymentRows(5, 120);
  const r = await runEmbedded({ plan, inputs: { records: { payments: rows } }, partitions: 2 });
  const big = r.canonical.filter((o) => o.rule === "big").map((o) => o.value["id"]);
  assert.deepEqual(
    big,
    rows.filter((x) => (x["amount"] as number) > 100).map((x) => x["id"]),
  );
  const counts = new Map<string, number>();
  for (const x of rows) {
    const k = `${x["card"]}@${Math.floor((x["ts"] as number) / 10_000) * 10_000}`;
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  const got = new Map(
    r.canonical
      .filter((o) => o.rule === "tumble")
      .map((o) => [`${o.value["key"]}@${o.value["start"]}`, o.value["n"]]),
  );
  assert.deepEqual(got, counts);
  assert.deepEqual(r.deadLetters, []);
});

test("same output for any partition count, batch size and commit interval", async () => {
  const rows = paymentRows(21, 150, 7);
  const ref = await runEmbedded({
    plan,
    inputs: { records: { payments: rows } },
    partitions: 1,
    batchSize: 1_000,
  });
  assert.ok(ref.outputs.length > 100);
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 1, max: 5 }),
      fc.integer({ min: 1, max: 40 }),
      fc.integer({ min: 1, max: 200 }),
      async (partitions, batchSize, commitEvery) => {
        const r = await runEmbedded({
          plan,
          inputs: { records: { payments: rows } },
          partitions,
          batchSize,
          commitEvery,
        });
        assert.deepEqual(strip(r.canonical), strip(ref.canonical));
        assert.equal(r.deadLetters.length, 0);
      },
    ),
    { numRuns: 25 },
  );
});

test("for a fixed partition count, the exact output order does not depend on batching or commits", async () => {
  const rows = paymentRows(8, 120, 6);
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 1, max: 4 }),
      fc.integer({ min: 1, max: 30 }),
      fc.integer({ min: 1, max: 100 }),
      async (partitions, batchSize, commitEvery) => {
        const ref = await runEmbedded({
          plan,
          inputs: { records: { payments: rows } },
          partitions,
          batchSize: 500,
        });
        const r = await runEmbedded({
          plan,
          inputs: { records: { payments: rows } },
          partitions,
          batchSize,
          commitEvery,
        });
        assert.deepEqual(r.outputs, ref.outputs);
        assert.deepEqual(r.byPartition, ref.byPartition);
      },
    ),
    { numRuns: 20 },
  );
});

test("stop anywhere, reopen the RocksDB stores from disk, resume: the same output as a clean run", async () => {
  const rows = paymentRows(13, 100, 5);
  const base = mkdtempSync(join(tmpdir(), "vigil-resume-"));
  let run = 0;
  try {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 25 }),
        fc.integer({ min: 5, max: 60 }),
        fc.uniqueArray(fc.integer({ min: 1, max: 240 }), { minLength: 1, maxLength: 2 }),
        async (partitions, batchSize, commitEvery, stops) => {
          const inputs = { records: { payments: rows as readonly Row[] } };
          const clean = await runEmbedded({ plan, inputs, partitions, batchSize, commitEvery });
          const stateDir = join(base, `run-${run++}`);
          let last = null;
          for (const stopAfter of [...stops].sort((a, b) => a - b)) {
            last = await runEmbedded({
              plan,
              inputs,
              partitions,
              batchSize,
              commitEvery,
              stateDir,
              stopAfter,
            });
          }
          const resumed = await runEmbedded({ plan, inputs, partitions, batchSize, commitEvery, stateDir });
          assert.equal(resumed.stopped, false);
          assert.ok(last !== null);
          assert.deepEqual(resumed.outputs, clean.outputs);
          assert.deepEqual(resumed.deadLetters, clean.deadLetters);
        },
      ),
      { numRuns: 10 },
    );
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});

test("late records and a stream-time idle timeout: still the same output and dead letters for any batching", async () => {
  // Every tenth record is up to 8 s late (the lateness is 1 s): windows, grace and idleness all bite.
  const rows = paymentRows(17, 150, 6).map((r, i) =>
    i % 10 === 9 ? { ...r, ts: (r["ts"] as number) - 2_000 - ((i * 7919) % 6_000) } : r,
  );
  const inputs = { records: { payments: rows as readonly Row[] } };
  // Late records meet the windows at 1 and 2 partitions (at 3, the re-keyed rule's channels carry
  // watermarks low enough that none of its records is late).
  for (const partitions of [1, 2]) {
    const r = await runEmbedded({ plan, inputs, partitions, idleTimeout: 3_000 });
    assert.ok(
      (r.stats.deadLettersByReason["late-record"] ?? 0) > 0,
      `some records are late at ${partitions}`,
    );
  }
  const base = mkdtempSync(join(tmpdir(), "vigil-late-"));
  let run = 0;
  try {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 5, max: 80 }),
        fc.integer({ min: 1, max: 200 }),
        async (partitions, batchSize, commitEvery, stopAfter) => {
          const common = { plan, inputs, partitions, idleTimeout: 3_000 };
          const ref = await runEmbedded({ ...common, batchSize: 1_000 });
          const stateDir = join(base, `run-${run++}`);
          await runEmbedded({ ...common, batchSize, commitEvery, stateDir, stopAfter });
          const r = await runEmbedded({ ...common, batchSize, commitEvery, stateDir });
          assert.deepEqual(r.outputs, ref.outputs);
          assert.deepEqual(r.deadLetters, ref.deadLetters);
        },
      ),
      { numRuns: 12 },
    );
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});

// State beyond memory: the fraud library over RocksDB with a clean cache far smaller than its state
// gives exactly the memory stores' output, with evictions between batches, and resumes after a stop.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import fc from "fast-check";
import { runEmbedded } from "../../src/runtime/embedded-runner.ts";
import { fraudData, fraudPlan } from "../runtime/support/fraud-data.ts";

const data = fraudData(7, 1_200);

test("fraud rules over a 64 KB state cache: the memory stores' output, for any batching", async () => {
  const plan = fraudPlan();
  const ref = await runEmbedded({ plan, inputs: { records: data }, partitions: 2, batchSize: 200 });
  assert.ok(ref.outputs.length > 50, `only ${ref.outputs.length} alerts`);
  const base = mkdtempSync(join(tmpdir(), "vigil-cached-"));
  let n = 0;
  try {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 300 }),
        fc.integer({ min: 50, max: 2_000 }),
        async (partitions, batchSize, commitEvery) => {
          const opts = { plan, inputs: { records: data }, partitions, batchSize, commitEvery };
          const mem = await runEmbedded(opts);
          const cached = await runEmbedded({
            ...opts,
            stateDir: join(base, `r${n++}`),
            stateCacheBytes: 64 * 1024,
          });
          assert.deepEqual(cached.outputs, mem.outputs);
          assert.deepEqual(cached.deadLetters, mem.deadLetters);
        },
      ),
      { numRuns: 5 },
    );
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});

test("fraud rules over a state cache: stop like a crash, reopen, resume gives the clean run's alerts", async () => {
  const plan = fraudPlan();
  const base = mkdtempSync(join(tmpdir(), "vigil-cached-resume-"));
  let n = 0;
  try {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 8, max: 64 }),
        fc.integer({ min: 1, max: 2_000 }),
        async (partitions, batchSize, stopAfter) => {
          const opts = { plan, inputs: { records: data }, partitions, batchSize, commitEvery: 250 };
          const clean = await runEmbedded(opts);
          const stateDir = join(base, `r${n++}`);
          const cache = { stateDir, stateCacheBytes: 32 * 1024 };
          await runEmbedded({ ...opts, ...cache, stopAfter });
          const resumed = await runEmbedded({ ...opts, ...cache });
          assert.deepEqual(resumed.outputs, clean.outputs);
        },
      ),
      { numRuns: 4 },
    );
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});

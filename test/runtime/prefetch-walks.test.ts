// Over a bounded state cache, a task prefetches before each step what the step may read. The held
// records' needs are gathered once per settle: when a step stops after its chunk of due timers,
// the next step adds only its timers' needs instead of walking every held record again. Here one
// late payment closes 6,000 windows (more than a timer chunk) while the payments after it are
// held: each record is walked at most once per batch it is held in, and the output equals the
// memory stores'.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { compileProgram } from "../../src/plan/compile.ts";
import { runEmbedded } from "../../src/runtime/embedded-runner.ts";
import { TaskPrefetch, TIMER_CHUNK } from "../../src/runtime/task-prefetch.ts";

const RULES = `
stream payments from topic "payments"
  key card_id
  format json
  schema { card_id: string, amount: float, ts: timestamp }
  event time ts, lateness 0s

rule per_card
  from payments
  window tumbling 1m
  aggregate count() as n
  emit final to "out" { card_id, n }
`;

const CARDS = 6_000;
const T0 = Date.UTC(2026, 0, 1);

test("the held records' state needs are walked once per batch, not once per timer chunk", async () => {
  assert.ok(CARDS > TIMER_CHUNK, "the windows closed at once must exceed one timer chunk");
  const compiled = compileProgram([{ path: "prefetch.vigil", text: RULES }]);
  assert.ok(compiled.plan !== null, JSON.stringify(compiled.diagnostics));
  const plan = compiled.plan;
  const payments: string[] = [];
  for (let i = 0; i < CARDS; i++) payments.push(JSON.stringify({ card_id: `c${i}`, amount: 1, ts: T0 + i }));
  // Ten minutes later: this payment closes every window; the 1,000 after it wait behind the timers.
  for (let i = 0; i <= 1_000; i++)
    payments.push(JSON.stringify({ card_id: `c${i}`, amount: 1, ts: T0 + 600_000 + i }));
  const batchSize = payments.length; // one batch: every payment is pushed (and held) at once
  const opts = { plan, inputs: { records: { payments } }, batchSize, commitEvery: 1_000_000 };
  const memory = await runEmbedded(opts);
  assert.equal(memory.outputs.length, CARDS + 1_001);

  let walked = 0;
  const original = TaskPrefetch.prototype.recordNeeds;
  TaskPrefetch.prototype.recordNeeds = function (records) {
    const counted = [...records];
    walked += counted.length;
    return original.call(this, counted);
  };
  const dir = mkdtempSync(join(tmpdir(), "vigil-prefetch-"));
  try {
    const cached = await runEmbedded({ ...opts, stateDir: dir, stateCacheBytes: 64 * 1024 });
    assert.deepEqual(cached.outputs, memory.outputs);
  } finally {
    TaskPrefetch.prototype.recordNeeds = original;
    rmSync(dir, { recursive: true, force: true });
  }
  // Each payment is held in one batch; walking them again per chunk of 4,096 timers was 2x here.
  assert.ok(walked > 0, "no prefetch ran: the stores are not the cached ones");
  assert.ok(walked <= payments.length, `${walked} record walks for ${payments.length} payments`);
});

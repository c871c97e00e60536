// Kafka I/O stage tests: `vigil run` SIGKILLed mid-run, at every commit phase (failpoints) and at
// seeded random moments (when the group's committed progress reaches a random target, plus a random
// jitter), restarted each time; then a clean worker runs to the end: its read_committed output equals
// the embedded run's exactly, partition by partition, dead letters included (support-crash/scenario.ts).
import assert from "node:assert/strict";
import { kafkaTest } from "../support/kafka-env.ts";
import { CHAOS, runScenario, type Scenario } from "./support-crash/scenario.ts";
import {
  joined,
  mulberry32,
  progress,
  sleep,
  startWorker,
  waitForProgress,
} from "./support-crash/worker-process.ts";

/** The seed of the random kills (override with VIGIL_KILL_SEED to replay another schedule). */
const KILL_SEED = Number(process.env["VIGIL_KILL_SEED"] ?? 0x5eed);
const RANDOM_KILLS = CHAOS ? 6 : 2;
const FAILPOINTS = [
  "after-send@2",
  "after-send-offsets@2",
  "before-commit@3",
  "after-commit@2",
  "after-checkpoint@3",
  "during-restore@2",
  ...(CHAOS ? ["after-send@7", "after-commit@5", "before-commit@9", "during-restore@1"] : []),
];

type Kill =
  | { readonly kind: "random"; readonly index: number }
  | { readonly kind: "failpoint"; readonly at: string };

/** Random kills spread evenly among the failpoint kills: random, failpoint, ..., random, failpoint, ... */
function schedule(): Kill[] {
  const out: Kill[] = [];
  let f = 0;
  for (let k = 0; k < RANDOM_KILLS; k++) {
    out.push({ kind: "random", index: k });
    const upTo = Math.floor(((k + 1) * FAILPOINTS.length) / RANDOM_KILLS);
    for (; f < upTo; f++) out.push({ kind: "failpoint", at: FAILPOINTS[f]! });
  }
  return out;
}

/**
 * Kills a fresh worker once the committed progress reaches the k-th target (increasing targets,
 * each at a seeded place in its share of the first 60% of the run, at least 1% past the progress at join), after a
 * seeded jitter of 0-200 ms. Returns the log line; asserts the kill landed mid-run.
 */
async function randomKill(s: Scenario, stateDir: string, k: number, next: () => number): Promise<string> {
  // Targets within the first 60%, so the failpoint kills that follow still find input to crash in.
  const slot = 0.05 + (0.55 * (k + next())) / RANDOM_KILLS;
  const jitter = Math.floor(next() * 200);
  const run = startWorker({ file: s.file, brokers: s.brokers, group: s.group, stateDir });
  await joined(run);
  const atJoin = await progress(s.admin, s.group, s.input);
  const target = Math.max(Math.floor(s.total * slot), atJoin + Math.ceil(s.total / 100));
  const reached = await waitForProgress(s.admin, s.group, s.input, target, run);
  assert.ok(reached >= target, `random kill ${k}: progress ${reached} never reached ${target}`);
  await sleep(jitter);
  run.kill("SIGKILL");
  const exit = await run.exited;
  assert.equal(exit.signal, "SIGKILL", `random kill ${k}: ${exit.stderr.slice(-2000)}`);
  const atKill = await progress(s.admin, s.group, s.input);
  // Read after the exit, so an upper bound of the progress at the kill: the kill was mid-run.
  assert.ok(atKill < s.total, `random kill ${k} after all input was committed (${atKill}/${s.total})`);
  assert.ok(atKill > atJoin, `random kill ${k}: the worker committed nothing itself`);
  return `random #${k}: target ${target} (slot ${slot.toFixed(3)}), jitter ${jitter} ms, progress at join ${atJoin}, after kill ${atKill}/${s.total}`;
}

/** Runs a worker armed with `failpoint`; it must SIGKILL itself there, before the input is all committed. */
async function failpointKill(s: Scenario, stateDir: string, failpoint: string): Promise<string> {
  const before = await progress(s.admin, s.group, s.input);
  const run = startWorker({ file: s.file, brokers: s.brokers, group: s.group, stateDir, failpoint });
  const exit = await Promise.race([run.exited, sleep(30_000).then(() => null)]);
  if (exit === null) {
    run.kill("SIGKILL");
    await run.exited;
    assert.fail(`failpoint ${failpoint} was not hit within 30 s`);
  }
  assert.equal(exit.signal, "SIGKILL", `${failpoint}: ${exit.stderr.slice(-2000)}`);
  assert.ok(exit.stderr.includes(`failpoint ${failpoint.split("@")[0]} hit`), exit.stderr.slice(-2000));
  const after = await progress(s.admin, s.group, s.input);
  assert.ok(after < s.total, `failpoint ${failpoint} after all input was committed`);
  return `failpoint ${failpoint}: progress ${before} -> ${after}/${s.total}`;
}

kafkaTest(
  `vigil run, SIGKILLed mid-run at every commit phase and ${RANDOM_KILLS} seeded random moments (seed ${KILL_SEED}), restarted each time, ends with exactly the embedded output`,
  async (brokers) => {
    const options = { partitions: 3, records: CHAOS ? 50_000 : 6_000, cards: 5 };
    await runScenario(brokers, options, async (s) => {
      // One machine: every worker keeps RocksDB state there, so kills also hit the local checkpoints.
      const stateDir = s.stateDir();
      const next = mulberry32(KILL_SEED);
      const log: string[] = [];
      for (const kill of schedule()) {
        log.push(
          kill.kind === "random"
            ? await randomKill(s, stateDir, kill.index, next)
            : await failpointKill(s, stateDir, kill.at),
        );
      }
      console.log(`kill schedule (seed ${KILL_SEED}, ${s.total} records):\n  ${log.join("\n  ")}`);
      return stateDir;
    });
  },
  { timeout: CHAOS ? 1_500_000 : 480_000 },
);

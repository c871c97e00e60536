// Kafka I/O stage tests: three `vigil run` workers (each its own machine: its own state folder, so
// state moves between them through the changelogs) share an 8-partition input; mid-run one is
// SIGKILLed and a new one added (more rounds with VIGIL_CHAOS=1). The re-keyed window rule puts a
// repartition topic under the rebalance. The output must equal the embedded run's exactly.
import assert from "node:assert/strict";
import { kafkaTest } from "../support/kafka-env.ts";
import { CHAOS, runScenario } from "./support-crash/scenario.ts";
import {
  joined,
  mulberry32,
  progress,
  sleep,
  startWorker,
  type WorkerRun,
  waitForProgress,
} from "./support-crash/worker-process.ts";

const KILL_SEED = Number(process.env["VIGIL_KILL_SEED"] ?? 0x5eed);

/** Waits until the worker logged an assignment with at least one task (up to 30 s). */
async function assignedTasks(run: WorkerRun): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (/"event":"worker\.assigned",("consumerGroup":"[^"]*",)?"tasks":\[\d/.test(run.stderr())) return;
    await sleep(50);
  }
  assert.fail(`the added worker was never assigned a task: ${run.stderr().slice(-2000)}`);
}
const ROUNDS = CHAOS ? 3 : 1;

kafkaTest(
  `three workers on 8 partitions; ${ROUNDS} round(s) of one SIGKILLed and one added mid-run (seed ${KILL_SEED}): same output`,
  async (brokers) => {
    // The last 40% of the input is produced only once the first added worker holds tasks, so it
    // certainly has input to take over, however fast the others are.
    const options = { partitions: 8, records: CHAOS ? 50_000 : 6_000, cards: 40, holdBack: 0.4 };
    await runScenario(brokers, options, async (s) => {
      const next = mulberry32(KILL_SEED);
      const start = () =>
        startWorker({ file: s.file, brokers: s.brokers, group: s.group, stateDir: s.stateDir() });
      const live: WorkerRun[] = [start(), start(), start()];
      const killed: WorkerRun[] = [];
      const added: WorkerRun[] = [];
      await Promise.all(live.map(joined));
      const log: string[] = [];
      for (let r = 0; r < ROUNDS; r++) {
        // Early in the run (10-35%, within the first 60% produced up front).
        const target = Math.floor(s.total * (0.1 + (0.25 * (r + next())) / ROUNDS));
        const reached = await waitForProgress(s.admin, s.group, s.input, target, null);
        assert.ok(reached >= target, `round ${r}: progress ${reached} never reached ${target}`);
        const victim = live.splice(Math.floor(next() * live.length), 1)[0]!;
        victim.kill("SIGKILL");
        assert.equal((await victim.exited).signal, "SIGKILL");
        killed.push(victim);
        const atKill = await progress(s.admin, s.group, s.input);
        assert.ok(atKill < s.total, `round ${r}: the kill came after all input was committed`);
        const fresh = start();
        await joined(fresh);
        await assignedTasks(fresh);
        const atAdd = await progress(s.admin, s.group, s.input);
        await s.produceRest();

        assert.ok(atAdd < s.total, `round ${r}: the worker was added after all input was committed`);
        live.push(fresh);
        added.push(fresh);
        log.push(
          `round ${r}: target ${target}, progress after kill ${atKill}, at add ${atAdd} (of ${s.total})`,
        );
      }
      await waitForProgress(s.admin, s.group, s.input, s.total, null, CHAOS ? 600_000 : 90_000);
      for (const w of live) w.kill("SIGTERM");
      for (const w of live) {
        const exit = await w.exited;
        assert.equal(exit.code, 0, exit.stderr.slice(-3000));
      }
      // Each added worker took over tasks and committed records of its own.
      for (const [i, w] of added.entries()) {
        assert.match(
          w.stderr(),
          /"event":"task\.committed","task":"[^"]*","records":[1-9]/,
          `added worker ${i} committed nothing`,
        );
      }
      // A rebalance is not a task failure: no task closed with an error, in any worker.
      const everyone = [...killed, ...live];
      for (const [i, w] of everyone.entries()) {
        const errors = w.stderr().match(/.*"event":"task\.error".*/g) ?? [];
        assert.deepEqual(errors, [], `worker ${i} logged task.error`);
      }
      // The joins, printed: with 1.5 s sessions a member slow under load is expelled and rejoins,
      // so their number depends on the machine (worker-joins.test.ts bounds it with 10 s sessions).
      const count = (w: WorkerRun, re: RegExp) => (w.stderr().match(re) ?? []).length;
      const joins = everyone.map((w) => count(w, /"event":"worker\.assigned"/g));
      const rebalances = everyone.map((w) => count(w, /"event":"worker\.rebalancing"/g));
      console.log(
        `rebalance schedule (seed ${KILL_SEED}):\n  ${log.join("\n  ")}\n  joins per worker: ${joins.join(", ")}; rebalances met by a heartbeat: ${rebalances.join(", ")}`,
      );
      return undefined;
    });
  },
  { timeout: CHAOS ? 1_500_000 : 240_000 },
);

// Dead-letter re-drive and lag from the command line (issue 17). A poison payment fails the rule's
// assert (operator-error, dead-lettered); after the fix (the rule without the assert),
// `vigil dlq replay --reason operator-error` re-drives it to its source partition with its original
// coordinates, the fixed worker processes it exactly once, and a second replay re-drives nothing.
// `vigil lag --group` shows committed offset, log end, lag and the owner of each partition.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { resolveConnection } from "../../src/kafka/connection.ts";
import { REDRIVE_HEADERS } from "../../src/kafka/dead-letters.ts";
import { createWorker } from "../../src/kafka/worker.ts";
import { compileProgram } from "../../src/plan/compile.ts";
import type { ProgramPlan } from "../../src/plan/plan.ts";
import { kafkaTest, testKafka, uniqueName } from "../support/kafka-env.ts";
import {
  createInputTopic,
  produceRows,
  readAll,
  runWorkerUntilCommitted,
} from "../support/worker-fixture.ts";

const N = 2;
const VIGIL = resolve(fileURLToPath(import.meta.url), "../../../bin/vigil.mjs");

function program(input: string, output: string, where: string): ProgramPlan {
  const file = join(mkdtempSync(join(tmpdir(), "vigil-dlq-")), "rules.vigil");
  writeFileSync(
    file,
    `stream payments from topic "${input}"
  key card
  format json
  schema { id: int, card: string, amount: float, ts: timestamp }
  event time ts, lateness 1s

rule audit
  from payments
  where ${where}
  emit to "${output}" { id, card, amount }
`,
  );
  const r = compileProgram([file]);
  if (r.plan === null) throw new Error(JSON.stringify(r.diagnostics));
  return r.plan;
}

function vigil(brokers: string[], args: string[]): string {
  const r = spawnSync(process.execPath, [VIGIL, ...args, "--brokers", brokers.join(",")], {
    encoding: "utf8",
    timeout: 120_000,
  });
  assert.equal(r.status, 0, `vigil ${args.join(" ")}: ${r.stderr}`);
  return r.stdout;
}

const events: string[] = [];
const quiet = (event: string, fields?: Record<string, unknown>) => {
  if (event !== "task.committed") events.push(`${event} ${JSON.stringify(fields)}`);
};

/**
 * Runs a worker until `done` holds, then a moment more (so a duplicate would show), and stops it.
 * (The re-drive is transactional: the input now ends in a commit marker, which no committed
 * position passes, so "committed up to the end" cannot be the test.)
 */
async function runUntil(brokers: string[], plan: ProgramPlan, groupId: string, done: () => Promise<boolean>) {
  const worker = createWorker({ connection: resolveConnection({ brokers }, {}), groupId, plan, log: quiet });
  await worker.start();
  try {
    for (let i = 0; i < 600 && !(await done()); i++) await new Promise((ok) => setTimeout(ok, 100));
    await new Promise((ok) => setTimeout(ok, 3000));
  } finally {
    await worker.stop();
  }
}

kafkaTest(
  "a poison record re-driven by vigil dlq replay after a fix is processed exactly once; a second replay changes nothing",
  async (brokers) => {
    const kafka = testKafka(brokers);
    const s = uniqueName("dlq");
    const input = `pay-${s}`;
    const output = `audited-${s}`;
    const group = uniqueName("dlq-group");
    await createInputTopic(kafka, input, N);
    const rows = Array.from({ length: 20 }, (_, i) => ({
      id: i,
      card: `c${i % 5}`,
      amount: 10 + i,
      ts: 1e12 + i,
    }));
    const poison = { id: 99, card: "c3", amount: 5000, ts: 1e12 + 50 };
    await produceRows(kafka, input, [...rows.slice(0, 10), poison, ...rows.slice(10)], N);

    const broken = program(input, output, 'assert_true(amount < 1000, "amount too large")');
    await runWorkerUntilCommitted(brokers, { plan: broken, groupId: group, log: quiet });
    const ids = async () =>
      (await readAll(kafka, output, N)).flat().map((m) => JSON.parse(m.value!.toString()).id);
    assert.equal((await ids()).length, 20, events.join("\n"));
    const list = vigil(brokers, ["dlq", "list", "--group", group]);
    assert.match(list, /: 1 dead letters \(0 inputs re-driven so far\)/);
    assert.match(list, /by reason:\n\s+1 {2}operator-error/);
    assert.match(list, /vigil\.dlq\.rule: audit/);

    const first = vigil(brokers, ["dlq", "replay", "--group", group, "--reason", "operator-error"]);
    assert.equal(first, "1 dead letters selected; 1 inputs re-driven, 0 re-driven before\n");
    // The re-driven record: the poison row, on its source partition, with its original coordinates.
    const redriven = (await readAll(kafka, input, N))
      .flatMap((ms, p) => ms.map((m) => ({ p, m })))
      .filter(({ m }) => m.headers?.[REDRIVE_HEADERS.offset] !== undefined);
    assert.equal(redriven.length, 1);
    const { p, m } = redriven[0]!;
    assert.deepEqual(JSON.parse(m.value!.toString()), poison);
    assert.equal(m.headers?.[REDRIVE_HEADERS.topic]?.toString(), input);
    assert.equal(Number(m.headers?.[REDRIVE_HEADERS.partition]?.toString()), p);
    const original = (await readAll(kafka, input, N))[p]!.find(
      (x) => JSON.parse(x.value!.toString()).id === 99,
    )!;
    assert.equal(m.headers?.[REDRIVE_HEADERS.offset]?.toString(), original.offset);

    const fixed = program(input, output, "amount >= 0");
    await runUntil(brokers, fixed, group, async () => (await ids()).length >= 21);
    assert.deepEqual(
      (await ids()).filter((id) => id === 99),
      [99],
      "processed exactly once",
    );
    assert.equal((await ids()).length, 21);

    const second = vigil(brokers, ["dlq", "replay", "--group", group, "--reason", "operator-error"]);
    assert.equal(second, "1 dead letters selected; 0 inputs re-driven, 1 re-driven before\n");
    const redrivenNow = (await readAll(kafka, input, N))
      .flat()
      .filter((x) => x.headers?.[REDRIVE_HEADERS.offset]);
    assert.equal(redrivenNow.length, 1, "the second replay wrote nothing to the source topic");
    await runUntil(brokers, fixed, group, async () => true);
    assert.equal((await ids()).length, 21, "the second replay changed nothing");
    assert.match(vigil(brokers, ["dlq", "list", "--group", group]), /\(1 inputs re-driven so far\)/);
  },
  { timeout: 240_000 },
);

kafkaTest("vigil lag --group: committed offset, log end, lag and owner per partition", async (brokers) => {
  const kafka = testKafka(brokers);
  const s = uniqueName("lag");
  const input = `pay-${s}`;
  const group = uniqueName("lag-group");
  await createInputTopic(kafka, input, N);
  const rows = Array.from({ length: 30 }, (_, i) => ({
    id: i,
    card: `c${i % 7}`,
    amount: 10 + i,
    ts: 1e12 + i,
  }));
  await produceRows(kafka, input, rows, N);
  const plan = program(input, `out-${s}`, "amount > 0");
  const worker = createWorker({
    connection: resolveConnection({ brokers }, {}),
    groupId: group,
    plan,
    log: quiet,
  });
  await worker.start();
  try {
    type Lag = {
      state: string;
      partitions: { topic: string; committed: number; logEnd: number; lag: number; owner: string | null }[];
    };
    let got: Lag | null = null;
    for (let i = 0; i < 300; i++) {
      got = JSON.parse(vigil(brokers, ["lag", "--group", group, "--json"])) as Lag;
      const mine = got.partitions.filter((x) => x.topic === input);
      if (mine.length === N && mine.every((x) => x.lag === 0 && x.owner !== null)) break;
      await new Promise((ok) => setTimeout(ok, 200));
    }
    const mine = got!.partitions.filter((x) => x.topic === input);
    assert.equal(mine.length, N);
    assert.equal(
      mine.reduce((n, x) => n + x.logEnd, 0),
      rows.length,
    );
    assert.ok(
      mine.every((x) => x.lag === 0 && x.committed === x.logEnd && x.owner?.includes("vigil")),
      JSON.stringify(mine),
    );
    const text = vigil(brokers, ["lag", "--group", group]);
    assert.match(text, /^TOPIC +PARTITION +CURRENT-OFFSET +LOG-END-OFFSET +LAG +OWNER$/m);
    assert.match(text, new RegExp(`^${input} +0 +\\d+ +\\d+ +0 +vigil`, "m"));
  } finally {
    await worker.stop();
  }
});

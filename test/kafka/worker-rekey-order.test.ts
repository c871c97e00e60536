// Kafka I/O stage tests (issue 18): an order-sensitive rule after a re-key (a pattern over a re-keyed
// stream) through Kafka, with three input partitions, one of them quiet for a while: its data comes
// seconds after the others were processed, well past the merge's wall-clock idleMs. The downstream
// tasks wait for the quiet channel (it carries its upstream's watermark, and nothing has come from it),
// so their merge order is the embedded one: the same matches in the same order per output partition,
// and no record is late. Before, the downstream merge skipped the quiet channel after idleMs and its
// records came in behind the watermark. The worker's idle decisions (`idle after`, 6 s) close the last
// pending matches once all the input is in.
import assert from "node:assert/strict";
import type { Kafka } from "kafkajs";
import type { Row } from "../../src/core/value.ts";
import { resolveConnection } from "../../src/kafka/connection.ts";
import { createWorker } from "../../src/kafka/worker.ts";
import { compileProgram } from "../../src/plan/compile.ts";
import { runEmbedded } from "../../src/runtime/embedded-runner.ts";
import { partitionForKey } from "../../src/runtime/partitioner.ts";
import { paymentRows } from "../runtime/support/plans.ts";
import { kafkaTest, testKafka, uniqueName } from "../support/kafka-env.ts";
import { assertSamePartitions } from "../support/worker-fixture.ts";
import { readAll } from "./support-fraud/fraud.ts";

const N = 3;
const QUIET = 2;

function rules(input: string, output: string): string {
  return `stream payments from topic "${input}"
  key card
  schema { id: int, card: string, amount: float, ts: timestamp }
  event time ts, lateness 1s, idle after 6s

rule rekeyed_burst
  from payments
  partition by id % 5
  match small: amount < 60 -> large: amount > 200
  within 10s
  emit to "${output}" { small_id: small.id, large_id: large.id, at: large.ts }
`;
}

async function produce(kafka: Kafka, topic: string, rows: readonly Row[]): Promise<void> {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  for (let i = 0; i < rows.length; i += 300) {
    const messages = rows.slice(i, i + 300).map((r) => ({
      key: String(r["card"]),
      value: JSON.stringify(r),
      partition: partitionForKey(String(r["card"]), N),
      timestamp: String(r["ts"]),
    }));
    await producer.send({ topic, messages, acks: -1 });
  }
  await producer.disconnect();
}

async function committedCount(kafka: Kafka, group: string, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchOffsets({ groupId: group, topics: [topic] });
    return (offsets[0]?.partitions ?? []).reduce((n, p) => n + Math.max(0, Number(p.offset)), 0);
  } finally {
    await admin.disconnect();
  }
}

async function until(what: string, check: () => Promise<boolean>, ms = 120_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((ok) => setTimeout(ok, 250));
  }
  throw new Error(`timed out waiting for ${what}`);
}

kafkaTest(
  "a pattern over a re-keyed stream, one input partition quiet for a while: the same output through Kafka as embedded",
  async (brokers) => {
    const kafka = testKafka(brokers);
    const suffix = uniqueName("rekey-order");
    const input = `in-${suffix}`;
    const output = `out-${suffix}`;
    const plan = compileProgram([{ path: "rekey-order.vigil", text: rules(input, output) }]).plan!;
    const rows = paymentRows(29, 1_200, 9);
    const embedded = await runEmbedded({ plan, inputs: { records: { payments: rows } }, partitions: N });
    const want = (embedded.byPartition[output] ?? []).map((os) => os.map((o) => JSON.stringify(o.value)));
    assert.ok(want.flat().length > 20, `${want.flat().length} matches`);
    assert.deepEqual(embedded.deadLetters, []);

    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      topics: [input, output].map((topic) => ({ topic, numPartitions: N })),
      waitForLeaders: true,
    });
    await admin.disconnect();
    const onQuiet = (r: Row) => partitionForKey(String(r["card"]), N) === QUIET;
    const busy = rows.filter((r) => !onQuiet(r));
    await produce(kafka, input, busy);

    const group = uniqueName("rekey-order-worker");
    const worker = createWorker({
      connection: resolveConnection({ brokers }, {}),
      groupId: group,
      plan,
      sessionTimeoutMs: 6_000,
      idleMs: 500,
      log: process.env["VIGIL_TEST_LOG"] ? undefined : () => undefined,
    });
    await worker.start();
    try {
      await until(
        "the busy partitions",
        async () => (await committedCount(kafka, group, input)) >= busy.length,
      );
      // Quiet for a while: several idleMs, less than `idle after`.
      await new Promise((ok) => setTimeout(ok, 3_000));
      await produce(kafka, input, rows.filter(onQuiet));
      await until(
        "every match",
        async () => (await readAll(kafka, output, N)).flat().length >= want.flat().length,
      );
      await new Promise((ok) => setTimeout(ok, 2_000)); // a surplus would show by now
    } finally {
      await worker.stop();
    }
    const got = (await readAll(kafka, output, N)).map((ms) => ms.map((m) => m.value?.toString() ?? ""));
    assertSamePartitions(got, want, output);
    const dead = (await readAll(kafka, `${group}-dead-letters`, N)).flat();
    assert.deepEqual(
      dead.map((m) => m.value?.toString()),
      [],
    );
  },
  { timeout: 240_000 },
);

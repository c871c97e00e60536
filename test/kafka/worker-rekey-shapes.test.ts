// Kafka I/O stage tests (issue 15): the rule shapes the worker refused before consumer lanes
// (src/plan/worker-lanes.ts), from plans `vigil check` accepts, run through Kafka with the embedded
// run as the oracle: a sliding window on `payments` beside a join whose `payments` side is re-keyed,
// two rules re-keying `payments` differently (each joining `customers` after its re-key), a table
// joined on another field, and `partition by` before a table join and a stream join. After a re-key
// the rules emit per record (no emit-changes window): a live worker may skip a repartition channel
// that is empty for idleMs (wall-clock idleness, docs/runtime.md), which can reorder records of one
// key across channels; per-record outputs do not depend on that order, so they must be equal.
import assert from "node:assert/strict";
import type { Admin, Kafka } from "kafkajs";
import type { Row } from "../../src/core/value.ts";
import { resolveConnection } from "../../src/kafka/connection.ts";
import { isConfigError } from "../../src/kafka/kafka-errors.ts";
import { readPartitions } from "../../src/kafka/partition-reader.ts";
import { createWorker } from "../../src/kafka/worker.ts";
import { repartitionTopic } from "../../src/kafka/worker-layout.ts";
import { compileProgram } from "../../src/plan/compile.ts";
import type { ProgramPlan } from "../../src/plan/plan.ts";
import { taskGroups } from "../../src/plan/task-groups.ts";
import { consumerLanes, laneConsumerGroup, workerPlanProblems } from "../../src/plan/worker-lanes.ts";
import { loadInputs } from "../../src/runtime/embedded-inputs.ts";
import { runEmbedded } from "../../src/runtime/embedded-runner.ts";
import { kafkaTest, testKafka, uniqueName } from "../support/kafka-env.ts";

const N = 2;

function rules(s: string): string {
  return `stream payments from topic "payments-${s}"
  key card_id
  schema { id: int, card_id: string, customer_id: string, referrer: string, amount: float, ts: timestamp }
  event time ts, lateness 2h

stream logins from topic "logins-${s}"
  key customer_id
  schema { customer_id: string, country: string, ts: timestamp }
  event time ts, lateness 2h

table customers from topic "customers-${s}" key customer_id
  schema { customer_id: string, segment: string }

table cards from topic "cards-${s}" key card_id
  schema { card_id: string, home: string }

-- a sliding window on payments, beside a join whose payments side is re-keyed (right re-key)
rule card_spend
  from payments
  window sliding 5m
  aggregate sum(amount) as total, count() as n
  emit changes to "card-spend-${s}" { card_id, total, n }

rule login_then_pay
  from logins as l
  join payments as p on p.customer_id = l.customer_id within 10m
  emit to "login-pay-${s}" { customer_id, id: p.id, country }

-- two rules re-keying payments differently, each joining customers after its re-key
rule by_customer
  from payments
  where amount > 100
  partition by customer_id
  join table customers as c on c.customer_id = customer_id
  emit to "by-customer-${s}" { id, customer_id, segment: c.segment }

rule by_referrer
  from payments
  join table customers as r on r.customer_id = referrer
  where r.segment = "vip"
  emit to "by-referrer-${s}" { id, referrer, amount }

-- a table joined before and after a re-key (cards is read in two task groups)
rule home_card
  from payments
  join table cards
  where cards.home = "NL"
  emit to "home-card-${s}" { id, card_id }

-- partition by before a stream join
rule customer_login
  from payments
  partition by customer_id
  join logins on logins.customer_id = customer_id within 10m
  join table cards on cards.card_id = card_id
  emit to "customer-login-${s}" { id, customer_id, card_id, country: logins.country, home: cards.home }
`;
}

/** A small deterministic data set (a linear congruential generator, seed fixed). */
function data(): Record<string, Row[]> {
  let x = 12345;
  const next = (m: number) => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x % m;
  };
  const t0 = Date.UTC(2026, 0, 1);
  const customers = Array.from({ length: 12 }, (_, i) => ({
    customer_id: `u${i}`,
    segment: i % 3 === 0 ? "vip" : "std",
  }));
  const cards = Array.from({ length: 20 }, (_, i) => ({ card_id: `k${i}`, home: i % 2 === 0 ? "NL" : "BE" }));
  const payments = Array.from({ length: 400 }, (_, i) => ({
    id: i,
    card_id: `k${next(24)}`,
    customer_id: `u${next(14)}`,
    referrer: `u${next(14)}`,
    amount: 1 + next(500),
    ts: t0 + i * 3_000 + next(2_000),
  }));
  const logins = Array.from({ length: 80 }, (_, i) => ({
    customer_id: `u${next(14)}`,
    country: ["NL", "BE", "FR"][next(3)]!,
    ts: t0 + i * 15_000 + next(5_000),
  }));
  return { payments, logins, customers, cards };
}

async function produceLog(kafka: Kafka, plan: ProgramPlan, inputs: Record<string, Row[]>): Promise<void> {
  const log = loadInputs(plan, { records: inputs }, N);
  const producer = kafka.producer();
  await producer.connect();
  // Tables first, so their records are in before any stream record is processed.
  for (const topic of [...plan.tables, ...plan.streams].map((d) => d.topic)) {
    for (let p = 0; p < N; p++) {
      const messages = log.read(topic, p, 0, 1e9).map((r) => ({
        key: r.key,
        value: r.value,
        partition: p,
        timestamp: String(Math.max(1, r.timestamp)),
      }));
      if (messages.length > 0) await producer.send({ topic, messages, acks: -1 });
    }
  }
  await producer.disconnect();
}

async function offsetsOf(admin: Admin, groupId: string, topic: string): Promise<number[]> {
  const offsets = await admin.fetchOffsets({ groupId, topics: [topic] });
  return (offsets[0]?.partitions ?? [])
    .sort((a, b) => a.partition - b.partition)
    .map((x) => Number(x.offset));
}

async function highs(admin: Admin, topic: string): Promise<number[]> {
  return (await admin.fetchTopicOffsets(topic))
    .sort((a, b) => a.partition - b.partition)
    .map((o) => Number(o.high));
}

/** What each lane's consumer group must reach: its external topics, then its repartition topics. */
function laneReads(plan: ProgramPlan, app: string) {
  const groups = taskGroups(plan);
  return consumerLanes(groups).map((lane) => ({
    consumerGroup: laneConsumerGroup(app, lane.index),
    external: lane.externalTopics,
    reparts: [...new Set(lane.groups.flatMap((g) => [...groups[g]!.repartitionTopics]))].map((t) =>
      repartitionTopic(app, t),
    ),
  }));
}

/** Waits until every lane committed every input record, then every repartition record. */
async function waitDone(admin: Admin, plan: ProgramPlan, app: string): Promise<void> {
  const lanes = laneReads(plan, app);
  const ends = new Map<string, number[]>();
  for (const t of new Set(lanes.flatMap((l) => l.external))) ends.set(t, await highs(admin, t));
  const reached = async (group: string, t: string, slack: number) => {
    const at = await offsetsOf(admin, group, t);
    return (ends.get(t) ?? []).every((end, p) => end === 0 || (at[p] ?? -1) >= end - slack);
  };
  const all = async (pairs: [string, string][], slack: number) =>
    (await Promise.all(pairs.map(([g, t]) => reached(g, t, slack)))).every(Boolean);
  const externals = lanes.flatMap((l) => l.external.map((t): [string, string] => [l.consumerGroup, t]));
  const reparts = lanes.flatMap((l) => l.reparts.map((t): [string, string] => [l.consumerGroup, t]));
  for (let i = 0; i < 1500; i++) {
    if (await all(externals, 0)) {
      // Upstream tasks committed everything: the repartition topics are final now. Their last
      // offset is a commit marker, which no task position passes. A topic read in a later lane
      // is final only once its writer's lane is done too, so it is re-read until all agree.
      for (const [, t] of reparts) ends.set(t, await highs(admin, t));
      if (await all(reparts, 1)) return;
    }
    await new Promise((ok) => setTimeout(ok, 100));
  }
  throw new Error("the worker did not consume every input and repartition record in time");
}

async function sinkLines(kafka: Kafka, topic: string): Promise<string[]> {
  const got: string[] = [];
  const parts = Array.from({ length: N }, (_, partition) => ({ topic, partition, from: 0 }));
  await readPartitions(kafka, parts, (_p, ms) => {
    for (const m of ms) got.push(`${m.key?.toString() ?? null} ${m.value?.toString() ?? ""}`);
  });
  return got.sort();
}

kafkaTest(
  "rule shapes reading one topic before and after a re-key run on Kafka with the embedded output",
  async (brokers) => {
    const s = uniqueName("shapes");
    const compiled = compileProgram([{ path: "shapes.vigil", text: rules(s) }]);
    assert.deepEqual(
      compiled.diagnostics.map((d) => d.message),
      [],
    );
    const plan = compiled.plan!;
    assert.deepEqual(workerPlanProblems(plan), []);
    // The shapes the worker refused: external topics read by more than one task group.
    const lanes = consumerLanes(taskGroups(plan));
    assert.ok(lanes.length >= 2, `lanes: ${JSON.stringify(lanes)}`);
    for (const t of ["payments", "customers", "cards"]) {
      const readers = lanes.filter((l) => l.externalTopics.includes(`${t}-${s}`));
      assert.ok(readers.length >= 2, `${t} is read in ${readers.length} lane(s)`);
    }

    const inputs = data();
    const kafka = testKafka(brokers);
    const admin = kafka.admin();
    await admin.connect();
    try {
      const topics = [...plan.streams, ...plan.tables].map((d) => d.topic);
      await admin.createTopics({
        topics: topics.map((topic) => ({ topic, numPartitions: N })),
        waitForLeaders: true,
      });
      await produceLog(kafka, plan, inputs);
      const app = uniqueName("shapes-app");
      const worker = createWorker({
        connection: resolveConnection({ brokers }, {}),
        groupId: app,
        plan,
        sessionTimeoutMs: 6_000,
        // Long enough that a channel waiting for its upstream task's next commit is not skipped.
        idleMs: 2_000,
        log: process.env["VIGIL_TEST_LOG"] ? undefined : () => undefined,
      });
      await worker.start();
      try {
        await waitDone(admin, plan, app);
      } finally {
        await worker.stop();
      }
      const embedded = await runEmbedded({ plan, inputs: { records: inputs }, partitions: N });
      for (const rule of plan.rules) {
        const want = embedded.outputs
          .filter((o) => o.rule === rule.name)
          .map((o) => `${o.key} ${JSON.stringify(o.value)}`)
          .sort();
        assert.ok(want.length >= 5, `${rule.name}: only ${want.length} embedded outputs`);
        const got = await sinkLines(kafka, rule.sink.topic);
        const missing = want.filter((w) => !got.includes(w));
        const extra = got.filter((g) => !want.includes(g));
        assert.deepEqual(
          { got: got.length, missing: missing.slice(0, 5), extra: extra.slice(0, 5) },
          { got: want.length, missing: [], extra: [] },
          rule.name,
        );
      }
      const dead = await readPartitionsCount(kafka, `${app}-dead-letters`);
      assert.equal(dead, embedded.deadLetters.length);
    } finally {
      await admin.disconnect();
    }
  },
  { timeout: 240_000 },
);

async function readPartitionsCount(kafka: Kafka, topic: string): Promise<number> {
  let n = 0;
  const parts = Array.from({ length: N }, (_, partition) => ({ topic, partition, from: 0 }));
  await readPartitions(kafka, parts, (_p, ms) => {
    n += ms.length;
  });
  return n;
}

kafkaTest("a plan the worker refuses is a configuration error at start: no retries", async (brokers) => {
  const s = uniqueName("refused");
  const text = `stream f from topic "f-${s}" key card_id schema { card_id: string }
rule loop from f emit to "o-${s}" { card_id }`;
  const compiled = compileProgram([{ path: "loop.vigil", text }]).plan!;
  // A rule emitting to the topic it reads: check reports V2502; a hand-built plan reaches the worker.
  const plan = {
    ...compiled,
    rules: compiled.rules.map((r) => ({ ...r, sink: { ...r.sink, topic: `f-${s}` } })),
  };
  const events: string[] = [];
  const worker = createWorker({
    connection: resolveConnection({ brokers }, {}),
    groupId: uniqueName("refused-app"),
    plan,
    log: (event) => events.push(event),
  });
  await assert.rejects(worker.start(), (err: Error) => {
    assert.ok(isConfigError(err), String(err));
    assert.match(err.message, /cycle through topics: loop -> "f-/);
    return true;
  });
  await worker.stop().catch(() => undefined);
  assert.deepEqual(
    events.filter((e) => e === "worker.retry"),
    [],
  );
});

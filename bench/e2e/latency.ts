// End-to-end bench: latency from append to committed output, under a steady load below every
// contender's capacity (a preloaded backlog has no meaningful latency: a record waits for the
// records before it). Per run: fresh live input topics with message.timestamp.type=LogAppendTime,
// the contender started on them and warmed up, then records produced at a fixed rate. A
// read_committed consumer in this process notes when each output record arrives (Date.now());
// the latency of an output is that time minus the broker append time of its input record (for a
// join output, of the later of its two inputs). Broker and bench share one machine, so one clock.
import type { ChildProcess } from "node:child_process";
import { mkdir } from "node:fs/promises";
import type { Admin, Kafka, KafkaMessage } from "kafkajs";
import { readPartitions } from "../../src/kafka/partition-reader.ts";
import { partitionForKey } from "../../src/runtime/partitioner.ts";
import { type Contender, inputsOf, type RunSpec, type RunTopics } from "./contenders.ts";
import { amountOf, cardKey, cardOf, cardRows, type DataSpec, hasAuth, mix32 } from "./generator.ts";
import { createTopics } from "./preload.ts";
import { logEnds, stop } from "./run-one.ts";

export interface LatencyResult {
  readonly p50: number;
  readonly p99: number;
  readonly samples: number;
}

export interface LatencyLoad {
  /** Input payments per second. */
  readonly rate: number;
  readonly seconds: number;
  /** Payments produced (and fully committed) before the measured ones. */
  readonly warmup: number;
}

const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));

/** The live topics of one latency run (all under the run's group prefix, so they are dropped with it). */
export function liveTopics(group: string): RunTopics {
  const t = (name: string) => `${group}-live-${name}`;
  return { payments: t("payments"), auths: t("auths"), cards: t("cards"), output: t("out") };
}

interface Arrival {
  readonly id: number;
  readonly authId: number | undefined;
  readonly at: number;
}

/** A read_committed consumer noting the arrival time of every output record. */
async function watchOutput(kafka: Kafka, topic: string, group: string) {
  const arrivals: Arrival[] = [];
  const consumer = kafka.consumer({ groupId: `${group}-watch`, maxWaitTimeInMs: 50, readUncommitted: false });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  const joined = new Promise<void>((ok) => consumer.on(consumer.events.GROUP_JOIN, () => ok()));
  await consumer.run({
    autoCommit: false,
    eachBatch: async ({ batch }) => {
      const at = Date.now();
      for (const m of batch.messages) {
        const row = JSON.parse(m.value!.toString()) as { id: number; auth_id?: number };
        arrivals.push({ id: row.id, authId: row.auth_id, at });
      }
    },
  });
  await joined;
  return { arrivals, stop: () => consumer.disconnect() };
}

/** Produces payments [from, to) (and their authorizations) with event time now. */
async function sendLive(
  producer: ReturnType<Kafka["producer"]>,
  topics: RunTopics,
  spec: DataSpec,
  from: number,
  to: number,
  withAuths: boolean,
) {
  const now = Date.now();
  const pays = [];
  const auths = [];
  for (let i = from; i < to; i++) {
    const key = cardKey(cardOf(i, spec));
    const partition = partitionForKey(key, spec.partitions);
    const value = `{"id":${i},"card_id":"${key}","amount":${amountOf(i)},"merchant":"m-${mix32(i) % 500}","ts":${now}}`;
    pays.push({ key, value, partition });
    if (withAuths && hasAuth(i)) {
      auths.push({
        key,
        partition,
        value: `{"auth_id":${i},"card_id":"${key}","payment_id":${i},"ts":${now + 1}}`,
      });
    }
  }
  const topicMessages = [{ topic: topics.payments, messages: pays }];
  if (auths.length > 0) topicMessages.push({ topic: topics.auths, messages: auths });
  await producer.sendBatch({ topicMessages, acks: -1 });
}

/** Polls until the group has committed every input partition to its current end. */
async function waitCaughtUp(
  admin: Admin,
  group: string,
  inputs: readonly string[],
  child: ChildProcess,
  timeoutMs: number,
) {
  const ends = await logEnds(admin, inputs);
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`latency run: the process exited (${child.exitCode ?? child.signalCode})`);
    }
    const offsets = await admin.fetchOffsets({ groupId: group, topics: [...inputs] }).catch(() => []);
    const behind = offsets.some(({ topic, partitions }) =>
      partitions.some((p) => Number(p.offset) < (ends.get(topic)?.get(p.partition) ?? 0)),
    );
    if (offsets.length === inputs.length && !behind) return;
    await sleep(100);
  }
  throw new Error(`latency run: not caught up within ${timeoutMs / 1000} s`);
}

/** Broker append time (LogAppendTime) of every live input record, by id (payments) and auth id. */
async function appendTimes(kafka: Kafka, topics: RunTopics, partitions: number, withAuths: boolean) {
  const pay = new Map<number, number>();
  const auth = new Map<number, number>();
  const read = async (topic: string, into: Map<number, number>, field: string) => {
    const parts = Array.from({ length: partitions }, (_, partition) => ({ topic, partition, from: 0 }));
    await readPartitions(
      kafka,
      parts,
      (_p, ms: readonly KafkaMessage[]) => {
        for (const m of ms) into.set(JSON.parse(m.value!.toString())[field], Number(m.timestamp));
      },
      { groupPrefix: "e2e-append" },
    );
  };
  await read(topics.payments, pay, "id");
  if (withAuths) await read(topics.auths, auth, "auth_id");
  return { pay, auth };
}

function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/** One latency run of `contender` on `base.mode` (not for windows: they emit when event time closes them). */
export async function measureLatency(
  kafka: Kafka,
  admin: Admin,
  contender: Contender,
  base: RunSpec,
  spec: DataSpec,
  load: LatencyLoad,
): Promise<LatencyResult> {
  const topics = liveTopics(base.group);
  const run: RunSpec = { ...base, group: `${base.group}-live`, topics, dir: `${base.dir}-live` };
  const inputs = inputsOf(base.mode, topics);
  const withAuths = base.mode === "stream-join";
  await createTopics(admin, inputs, spec.partitions, { "message.timestamp.type": "LogAppendTime" });
  await createTopics(admin, [topics.output], spec.partitions);
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  if (base.mode === "table-join") {
    const messages = cardRows(spec).map((r) => ({ key: r.key, value: r.value, partition: r.partition }));
    await producer.send({ topic: topics.cards, messages, acks: -1 });
  }
  const watcher = await watchOutput(kafka, topics.output, run.group);
  await mkdir(run.dir, { recursive: true });
  const child = await contender.start(run);
  try {
    await sendLive(producer, topics, spec, 0, load.warmup, withAuths);
    await waitCaughtUp(admin, run.group, inputs, child, 120_000);
    await produceAtRate(load, (from, to) => sendLive(producer, topics, spec, from, to, withAuths));
    await waitCaughtUp(admin, run.group, inputs, child, 60_000);
    await sleep(1_000);
  } finally {
    await stop(child);
    await watcher.stop();
    await producer.disconnect();
  }
  const times = await appendTimes(kafka, topics, spec.partitions, withAuths);
  return summarize(watcher.arrivals, times, load.warmup);
}

/** Sends payments [warmup, warmup + rate * seconds) at the load's rate, in small sends. */
async function produceAtRate(load: LatencyLoad, send: (from: number, to: number) => Promise<void>) {
  const total = Math.round(load.rate * load.seconds);
  const started = performance.now();
  for (let sent = 0; sent < total; ) {
    const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * load.rate));
    if (due > sent) {
      await send(load.warmup + sent, load.warmup + due);
      sent = due;
    } else await sleep(5);
  }
}

/** Latency of each measured output: arrival minus the append time of its (later) input. */
function summarize(
  arrivals: readonly Arrival[],
  times: { pay: Map<number, number>; auth: Map<number, number> },
  warmup: number,
): LatencyResult {
  const lat: number[] = [];
  for (const a of arrivals) {
    if (a.id < warmup) continue;
    const appended = Math.max(
      times.pay.get(a.id) ?? Number.NaN,
      a.authId === undefined ? 0 : (times.auth.get(a.authId) ?? Number.NaN),
    );
    if (Number.isFinite(appended)) lat.push(a.at - appended);
  }
  lat.sort((x, y) => x - y);
  return { p50: percentile(lat, 0.5), p99: percentile(lat, 0.99), samples: lat.length };
}

// End-to-end bench: creates the input topics (retention.ms=-1: the records carry 2026 event times
// as Kafka timestamps, which the default 7-day retention would delete) and produces the generated
// records into them: one idempotent producer, acks all, sequential chunked sends (so every
// partition keeps the generator's order), each send well under the broker's 1 MB batch limit.
import type { Admin, Kafka } from "kafkajs";
import { authorizations, cardRows, type DataSpec, payment, type Rec } from "./generator.ts";

/** The topics every run reads. */
export const INPUT_TOPICS = { payments: "e2e-payments", auths: "e2e-auths", cards: "e2e-cards" } as const;

const CHUNK = 8_000;

/**
 * Creates topics with `partitions` partitions and infinite retention (extra configs optional),
 * then waits until every one answers ListOffsets: right after a create (and while deleted topics
 * are being removed) metadata may still say UNKNOWN_TOPIC_OR_PARTITION, which kafkajs's own
 * waitForLeaders does not retry.
 */
export async function createTopics(
  admin: Admin,
  topics: readonly string[],
  partitions: number,
  extra: Record<string, string> = {},
): Promise<void> {
  const configEntries = Object.entries({ "retention.ms": "-1", ...extra }).map(([name, value]) => ({
    name,
    value,
  }));
  await admin.createTopics({
    topics: topics.map((topic) => ({ topic, numPartitions: partitions, configEntries })),
    waitForLeaders: false,
  });
  const deadline = performance.now() + 60_000;
  for (const topic of topics) {
    for (;;) {
      const offsets = await admin.fetchTopicOffsets(topic).catch(() => []);
      if (offsets.length === partitions) break;
      if (performance.now() > deadline) throw new Error(`topic ${topic} not ready after 60 s`);
      await new Promise((ok) => setTimeout(ok, 100));
    }
  }
}

async function produceAll(kafka: Kafka, topic: string, records: Iterable<Rec>): Promise<number> {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  let count = 0;
  let chunk: Rec[] = [];
  const flush = async () => {
    if (chunk.length === 0) return;
    const messages = chunk.map((r) => ({
      key: r.key,
      value: r.value,
      partition: r.partition,
      timestamp: String(r.ts),
    }));
    await producer.send({ topic, messages, acks: -1 });
    count += chunk.length;
    chunk = [];
  };
  try {
    for (const r of records) {
      chunk.push(r);
      if (chunk.length >= CHUNK) await flush();
    }
    await flush();
  } finally {
    await producer.disconnect();
  }
  return count;
}

function* payments(spec: DataSpec): Generator<Rec> {
  for (let i = 0; i < spec.payments; i++) yield payment(i, spec);
}

/** What the preload wrote and how long it took. */
export interface Preloaded {
  readonly counts: Record<keyof typeof INPUT_TOPICS, number>;
  readonly auths: Rec[];
  readonly ms: number;
}

/** Creates the three input topics and fills them. */
export async function preload(kafka: Kafka, spec: DataSpec): Promise<Preloaded> {
  const started = performance.now();
  const admin = kafka.admin();
  await admin.connect();
  try {
    await createTopics(admin, Object.values(INPUT_TOPICS), spec.partitions);
  } finally {
    await admin.disconnect();
  }
  const auths = authorizations(spec);
  const counts = {
    cards: await produceAll(kafka, INPUT_TOPICS.cards, cardRows(spec)),
    auths: await produceAll(kafka, INPUT_TOPICS.auths, auths),
    payments: await produceAll(kafka, INPUT_TOPICS.payments, payments(spec)),
  };
  return { counts, auths, ms: performance.now() - started };
}

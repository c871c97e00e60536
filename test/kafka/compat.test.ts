// Kafka foundation: kafkajs 2.2.4 against the pinned broker (Kafka 4.4.0): topics, keyed produce, a
// consumer group, transactions with sendOffsets (commit and abort), and read_committed isolation.
import assert from "node:assert/strict";
import type { Consumer, EachMessagePayload } from "kafkajs";
import { Kafka, logLevel } from "../../src/kafka/kafkajs.ts";
import { kafkaTest, uniqueName } from "../support/kafka-env.ts";

function client(brokers: string[]): Kafka {
  return new Kafka({
    clientId: uniqueName("compat"),
    brokers,
    logLevel: logLevel.NOTHING,
    retry: { initialRetryTime: 5, retries: 20 },
  });
}

/** Runs `consumer` on `topic` from the beginning until `done` says so; returns every message seen. */
async function consumeUntil(
  consumer: Consumer,
  topic: string,
  done: (seen: EachMessagePayload[]) => boolean,
): Promise<EachMessagePayload[]> {
  const seen: EachMessagePayload[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await new Promise<void>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`timed out; saw ${seen.length} messages`)), 30_000);
    consumer
      .run({
        eachMessage: async (payload) => {
          seen.push(payload);
          if (done(seen)) {
            clearTimeout(timer);
            ok();
          }
        },
      })
      .catch(fail);
  });
  await consumer.disconnect();
  return seen;
}

const text = (p: EachMessagePayload) => p.message.value?.toString() ?? "";

kafkaTest(
  "kafkajs: keyed records reach one partition per key and a consumer group reads them all",
  async (brokers) => {
    const kafka = client(brokers);
    const topic = uniqueName("compat-input");
    const admin = kafka.admin();
    await admin.connect();
    assert.equal(
      await admin.createTopics({ topics: [{ topic, numPartitions: 4 }], waitForLeaders: true }),
      true,
    );
    const described = await admin.fetchTopicMetadata({ topics: [topic] });
    assert.equal(described.topics[0]?.partitions.length, 4);

    const producer = kafka.producer();
    await producer.connect();
    const messages = Array.from({ length: 40 }, (_, i) => ({ key: `k${i % 8}`, value: `v${i}` }));
    await producer.send({ topic, acks: -1, messages });
    await producer.disconnect();

    const groupId = uniqueName("compat-group");
    const seen = await consumeUntil(kafka.consumer({ groupId }), topic, (s) => s.length >= 40);
    assert.equal(seen.length, 40);
    assert.deepEqual(seen.map(text).sort(), messages.map((m) => m.value).sort());
    const partitionOfKey = new Map<string, number>();
    for (const { partition, message } of seen) {
      const key = message.key?.toString() ?? "";
      assert.equal(partitionOfKey.get(key) ?? partition, partition, `key ${key} on one partition`);
      partitionOfKey.set(key, partition);
    }
    // Within a key, records keep their produce order.
    for (const key of partitionOfKey.keys()) {
      const values = seen
        .filter((p) => p.message.key?.toString() === key)
        .map((p) => Number(text(p).slice(1)));
      assert.deepEqual(
        values,
        [...values].sort((a, b) => a - b),
      );
    }
    await admin.disconnect();
  },
);

kafkaTest(
  "kafkajs: transactions with sendOffsets commit and abort; read_committed sees only committed",
  async (brokers) => {
    const kafka = client(brokers);
    const input = uniqueName("compat-tx-in");
    const output = uniqueName("compat-tx-out");
    const groupId = uniqueName("compat-tx-group");
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      topics: [
        { topic: input, numPartitions: 2 },
        { topic: output, numPartitions: 2 },
      ],
      waitForLeaders: true,
    });
    const producer = kafka.producer({
      transactionalId: uniqueName("compat-tx"),
      maxInFlightRequests: 1,
      idempotent: true,
      transactionTimeout: 30_000,
    });
    await producer.connect();
    const batch = (prefix: string, n: number) =>
      Array.from({ length: n }, (_, i) => ({
        key: `${prefix}${i}`,
        value: `${prefix}${i}`,
        partition: i % 2,
      }));

    const committed1 = batch("c1-", 10);
    const tx1 = await producer.transaction();
    await tx1.send({ topic: output, messages: committed1 });
    await tx1.sendOffsets({
      consumerGroupId: groupId,
      topics: [{ topic: input, partitions: [{ partition: 0, offset: "5" }] }],
    });
    await tx1.commit();

    const tx2 = await producer.transaction();
    await tx2.send({ topic: output, messages: batch("aborted-", 7) });
    await tx2.sendOffsets({
      consumerGroupId: groupId,
      topics: [{ topic: input, partitions: [{ partition: 0, offset: "99" }] }],
    });
    await tx2.abort();

    const committed3 = batch("c3-", 4);
    const tx3 = await producer.transaction();
    await tx3.send({ topic: output, messages: committed3 });
    await tx3.commit();
    await producer.disconnect();

    // Offsets sent in the committed transaction are the group's; the aborted ones are not.
    const offsets = await admin.fetchOffsets({ groupId, topics: [input] });
    const p0 = offsets[0]?.partitions.find((p) => p.partition === 0);
    assert.equal(p0?.offset, "5");

    // The aborted records did reach the log (they take offsets) ...
    const ends = await admin.fetchTopicOffsets(output);
    const highWatermarks = ends.reduce((sum, p) => sum + Number(p.high), 0);
    assert.ok(highWatermarks >= 21, `aborted records are in the log (high watermarks sum ${highWatermarks})`);

    // ... but read_committed sees exactly the committed ones, in order per partition. Reading up to
    // tx3's last records proves the aborted batch in between was passed over.
    const expected = [...committed1, ...committed3];
    const reader = kafka.consumer({ groupId: uniqueName("compat-reader"), readUncommitted: false });
    const seen = await consumeUntil(reader, output, (s) => s.length >= expected.length);
    for (const partition of [0, 1]) {
      const got = seen.filter((p) => p.partition === partition).map(text);
      const want = expected.filter((m) => m.partition === partition).map((m) => m.value);
      assert.deepEqual(got, want, `partition ${partition}`);
    }
    assert.equal(seen.length, expected.length);
    await admin.disconnect();
  },
);

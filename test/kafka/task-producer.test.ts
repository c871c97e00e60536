// Kafka I/O stage tests: the per-task transactional producer commits atomically, aborts a failed
// send, reports a failed commit as ambiguous (never aborting it) and replaces its producer, and is
// fenced by a newer producer of the same task.
import assert from "node:assert/strict";
import { after, before } from "node:test";
import type { Admin, Kafka, KafkaMessage } from "kafkajs";
import { setFailpointHandler } from "../../src/kafka/failpoints.ts";
import { readPartitions } from "../../src/kafka/partition-reader.ts";
import { createTaskProducer, type TopicRecord } from "../../src/kafka/task-producer.ts";
import { kafkaBrokers, kafkaTest, testKafka, uniqueName } from "../support/kafka-env.ts";

let kafka: Kafka;
let admin: Admin;

before(async () => {
  const brokers = kafkaBrokers();
  if (brokers === null) return;
  kafka = testKafka(brokers);
  admin = kafka.admin();
  await admin.connect();
});
after(async () => {
  await admin?.disconnect();
});

async function topics(partitions: number, ...prefixes: string[]): Promise<string[]> {
  const names = prefixes.map((p) => uniqueName(p));
  await admin.createTopics({
    topics: names.map((topic) => ({ topic, numPartitions: partitions })),
    waitForLeaders: true,
  });
  return names;
}

/**
 * Every read_committed value of `topic`, per partition. A commit returns before the broker has
 * written the markers (the last stable offset moves a moment later), so first wait until the last
 * stable offsets cover at least `atLeast` offsets in all.
 */
async function committedValues(topic: string, partitions: number, atLeast: number): Promise<string[][]> {
  for (let i = 0; i < 200; i++) {
    const ends = await admin.fetchTopicOffsets(topic);
    if (ends.reduce((sum, p) => sum + Number(p.high), 0) >= atLeast) break;
    await new Promise((ok) => setTimeout(ok, 20));
  }
  const out: string[][] = Array.from({ length: partitions }, () => []);
  const parts = out.map((_, partition) => ({ topic, partition, from: 0 }));
  await readPartitions(kafka, parts, (part, messages: readonly KafkaMessage[]) => {
    out[part.partition]!.push(...messages.map((m) => m.value?.toString() ?? ""));
  });
  return out;
}

async function groupOffset(groupId: string, topic: string, partition: number): Promise<string | undefined> {
  const offsets = await admin.fetchOffsets({ groupId, topics: [topic] });
  return offsets[0]?.partitions.find((p) => p.partition === partition)?.offset;
}

const records = (topic: string, prefix: string, n: number, partitions = 2): TopicRecord[] =>
  Array.from({ length: n }, (_, i) => ({
    topic,
    record: { key: `${prefix}${i}`, value: `${prefix}${i}`, partition: i % partitions },
  }));

kafkaTest("3 MB for one partition in one transaction: sent in batches under max.message.bytes", async () => {
  const [out, input] = await topics(1, "tp-bytes-out", "tp-bytes-in");
  const groupId = uniqueName("tp-bytes-group");
  const producer = createTaskProducer({ kafka, groupId, taskId: "0" });
  await producer.start();
  // 1,500 records of 2 KB: under the old 2,000-record sends one 3 MB batch, refused by the broker.
  const batch = Array.from({ length: 1500 }, (_, i) => ({
    topic: out!,
    record: { key: `k${i}`, value: `${i}:${"v".repeat(2048)}`, partition: 0 },
  }));
  const outcome = await producer.commit({
    records: batch,
    offsets: [{ topic: input!, partition: 0, offset: 7 }],
  });
  assert.equal(outcome.kind, "committed", JSON.stringify(outcome));
  const seen = await committedValues(out!, 1, 1500);
  assert.deepEqual(
    seen[0],
    batch.map((r) => r.record.value),
  );
  await producer.close();
});

kafkaTest("a commit makes records (chunked over several sends) and offsets visible together", async () => {
  const [out, input] = await topics(2, "tp-out", "tp-in");
  const groupId = uniqueName("tp-group");
  const producer = createTaskProducer({ kafka, groupId, taskId: "0", maxSendBytes: 30_000 });
  await producer.start();
  assert.equal(producer.transactionalId, `${groupId}-0`);
  const batch = records(out!, "r", 2500);
  const outcome = await producer.commit({
    records: batch,
    offsets: [{ topic: input!, partition: 0, offset: 42 }],
  });
  // The ends of the sends: where the task's changelog checkpoint resumes (1,250 records per partition).
  assert.deepEqual(outcome, { kind: "committed", ends: { [`${out}/0`]: 1250, [`${out}/1`]: 1250 } });
  const seen = await committedValues(out!, 2, 2500 + 2);
  assert.deepEqual(
    seen[0],
    batch.filter((_, i) => i % 2 === 0).map((r) => r.record.value),
  );
  assert.deepEqual(
    seen[1],
    batch.filter((_, i) => i % 2 === 1).map((r) => r.record.value),
  );
  assert.equal(await groupOffset(groupId, input!, 0), "42");
  // The next transaction right after a commit waits out CONCURRENT_TRANSACTIONS and succeeds.
  assert.equal((await producer.commit({ records: records(out!, "s", 4), offsets: [] })).kind, "committed");
  await producer.close();
});

kafkaTest("a failed send aborts, replaces the producer, and the next commit works", async () => {
  const [out, input] = await topics(1, "tp-fail-out", "tp-fail-in");
  const groupId = uniqueName("tp-fail-group");
  const producer = createTaskProducer({ kafka, groupId, taskId: "3" });
  await producer.start();
  const tooBig = { topic: out!, record: { key: "big", value: "x".repeat(1_200_000), partition: 0 } };
  const ok = records(out!, "before", 3, 1);
  const outcome = await producer.commit({
    records: [...ok, tooBig],
    offsets: [{ topic: input!, partition: 0, offset: 9 }],
  });
  assert.equal(outcome.kind, "aborted");
  assert.equal(producer.generation, 2, "producer replaced");
  assert.equal(
    (await producer.commit({ records: records(out!, "after", 2, 1), offsets: [] })).kind,
    "committed",
  );
  assert.deepEqual(await committedValues(out!, 1, 2 + 1), [["after0", "after1"]]);
  assert.equal(await groupOffset(groupId, input!, 0), "-1", "the aborted offsets were not committed");
  await producer.close();
});

kafkaTest(
  "an error after sendOffsets aborts; an error after the commit is ambiguous and never aborted",
  async () => {
    const [out, input] = await topics(1, "tp-fp-out", "tp-fp-in");
    const groupId = uniqueName("tp-fp-group");
    const producer = createTaskProducer({ kafka, groupId, taskId: "1" });
    await producer.start();
    setFailpointHandler((name) => {
      throw new Error(`injected at ${name}`);
    });
    try {
      process.env["VIGIL_FAILPOINT"] = "after-send-offsets";
      const aborted = await producer.commit({
        records: records(out!, "a", 2, 1),
        offsets: [{ topic: input!, partition: 0, offset: 5 }],
      });
      assert.equal(aborted.kind, "aborted");
      assert.match((aborted as { error: string }).error, /injected at after-send-offsets/);
      process.env["VIGIL_FAILPOINT"] = "after-commit";
      const ambiguous = await producer.commit({
        records: records(out!, "c", 2, 1),
        offsets: [{ topic: input!, partition: 0, offset: 7 }],
      });
      assert.equal(ambiguous.kind, "ambiguous");
      assert.equal(producer.generation, 3);
    } finally {
      delete process.env["VIGIL_FAILPOINT"];
      setFailpointHandler(null);
    }
    // The ambiguous one had in fact committed: re-reading the committed offsets tells the caller so.
    assert.equal(await groupOffset(groupId, input!, 0), "7");
    assert.deepEqual(await committedValues(out!, 1, 2 + 1 + 2 + 1), [["c0", "c1"]]);
    assert.equal(
      (await producer.commit({ records: records(out!, "d", 1, 1), offsets: [] })).kind,
      "committed",
    );
    await producer.close();
  },
);

kafkaTest("a newer producer of the same task fences the older one", async () => {
  const [out] = await topics(1, "tp-fence-out");
  const groupId = uniqueName("tp-fence-group");
  const zombie = createTaskProducer({ kafka, groupId, taskId: "2" });
  await zombie.start();
  const owner = createTaskProducer({ kafka, groupId, taskId: "2" });
  await owner.start();
  const outcome = await zombie.commit({ records: records(out!, "z", 2, 1), offsets: [] });
  assert.equal(outcome.kind, "fenced", JSON.stringify(outcome));
  // A batch queued behind the fenced one is fenced too (not "an ongoing transaction" error).
  assert.equal((await zombie.commit({ records: records(out!, "y", 1, 1), offsets: [] })).kind, "fenced");
  assert.equal((await owner.commit({ records: records(out!, "o", 2, 1), offsets: [] })).kind, "committed");
  assert.deepEqual(await committedValues(out!, 1, 2 + 1), [["o0", "o1"]]);
  await zombie.close();
  await owner.close();
});

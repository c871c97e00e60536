// Kafka I/O stage tests: changelog restore reads one partition from a checkpoint to its end,
// read_committed (aborted changes never come back), outside the application group.
import assert from "node:assert/strict";
import { type ChangelogPartition, restoreChangelogs } from "../../src/kafka/changelog-reader.ts";
import { setFailpointHandler } from "../../src/kafka/failpoints.ts";
import { serializeChange } from "../../src/kafka/serdes.ts";
import { createTaskProducer, type TaskProducer } from "../../src/kafka/task-producer.ts";
import { ensureTopics } from "../../src/kafka/topics.ts";
import type { StoreChange } from "../../src/state/store.ts";
import { kafkaTest, testKafka, uniqueName } from "../support/kafka-env.ts";

const put = (key: string, value: number): StoreChange => ({ store: "r.win", key, value: { n: value } });

async function write(
  p: TaskProducer,
  topic: string,
  partition: number,
  changes: StoreChange[],
  next: number,
) {
  const records = changes.map((c) => ({ topic, record: serializeChange(c, partition, { "in/1": next }) }));
  return p.commit({ records, offsets: [] });
}

kafkaTest(
  "restore replays committed changes from the checkpoint to the end, skipping aborted ones",
  async (brokers) => {
    const kafka = testKafka(brokers);
    const topic = uniqueName("app-r.win-changelog");
    const groupId = uniqueName("cl-group");
    const admin = kafka.admin();
    await admin.connect();
    await ensureTopics(admin, [{ name: topic, partitions: 2, compacted: true }]);
    await admin.disconnect();

    const first = createTaskProducer({ kafka, groupId, taskId: "1" });
    await first.start();
    assert.equal(
      (await write(first, topic, 1, [put("a", 1), put("b", 2), put("c", 3)], 10)).kind,
      "committed",
    );
    assert.equal((await write(first, topic, 0, [put("other-partition", 9)], 1)).kind, "committed");
    setFailpointHandler(() => {
      throw new Error("injected");
    });
    process.env["VIGIL_FAILPOINT"] = "before-commit";
    try {
      assert.equal((await write(first, topic, 1, [put("aborted", 0)], 15)).kind, "aborted");
    } finally {
      delete process.env["VIGIL_FAILPOINT"];
      setFailpointHandler(null);
    }
    const removeB: StoreChange = { store: "r.win", key: "b", value: null };
    assert.equal((await write(first, topic, 1, [removeB, put("d", 4)], 20)).kind, "committed");
    // The flow a restarted task follows: its new producer's InitProducerId settles the old
    // transactions, then the changelog is read to its end.
    const restarted = createTaskProducer({ kafka, groupId, taskId: "1" });
    await restarted.start();

    const read = async (from: number, committedInputOffsets?: Record<string, number>) => {
      const got: { store: string; changes: StoreChange[] }[] = [];
      const part: ChangelogPartition = { topic, partition: 1, store: "r.win", from };
      const to = await restoreChangelogs(
        kafka,
        [part],
        (p, entries) => {
          got.push({ store: p.store, changes: entries.map((e) => e.change) });
        },
        committedInputOffsets ? { committedInputOffsets } : {},
      );
      return { changes: got.flatMap((g) => g.changes), to: to.get(`${topic}/1`) };
    };
    const all = await read(0);
    assert.deepEqual(all.changes, [put("a", 1), put("b", 2), put("c", 3), removeB, put("d", 4)]);
    // 3 records + marker, 1 aborted record + marker, 2 records + marker.
    assert.equal(all.to, 9);
    // From a checkpoint after the first transaction (offset 4: its marker is at 3).
    assert.deepEqual((await read(4)).changes, [removeB, put("d", 4)]);
    // Changes derived from input the group never committed are skipped.
    assert.deepEqual((await read(0, { "in/1": 10 })).changes, [put("a", 1), put("b", 2), put("c", 3)]);
    // Nothing to read: no consumer at all, the checkpoint stays.
    assert.deepEqual(await read(9), { changes: [], to: 9 });
    await first.close();
    await restarted.close();
  },
);

kafkaTest(
  "a failure during restore ends the restore with the error (no consumer restart loop)",
  async (brokers) => {
    const kafka = testKafka(brokers);
    const topic = uniqueName("app-fail-changelog");
    const admin = kafka.admin();
    await admin.connect();
    await ensureTopics(admin, [{ name: topic, partitions: 1, compacted: true }]);
    await admin.disconnect();
    const groupId = uniqueName("cl-fail");
    const producer = createTaskProducer({ kafka, groupId, taskId: "0" });
    await producer.start();
    await write(producer, topic, 0, [put("x", 1)], 1);
    await producer.close();
    const settle = createTaskProducer({ kafka, groupId, taskId: "0" });
    await settle.start();
    await settle.close();
    setFailpointHandler(() => {
      throw new Error("injected during restore");
    });
    process.env["VIGIL_FAILPOINT"] = "during-restore";
    try {
      const part = { topic, partition: 0, store: "s", from: 0 };
      await assert.rejects(
        restoreChangelogs(kafka, [part], () => undefined),
        /injected during restore/,
      );
    } finally {
      delete process.env["VIGIL_FAILPOINT"];
      setFailpointHandler(null);
    }
  },
);

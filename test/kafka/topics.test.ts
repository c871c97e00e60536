// Kafka I/O stage tests: internal topics are created idempotently with the required shape, and
// co-partitioning violations are refused with a clear message.
import assert from "node:assert/strict";
import { test } from "node:test";
import { kafkajs } from "../../src/kafka/kafkajs.ts";
import {
  checkCopartitioned,
  ensureTopics,
  partitionCounts,
  TopicLayoutError,
} from "../../src/kafka/topics.ts";
import { kafkaTest, testKafka, uniqueName } from "../support/kafka-env.ts";

kafkaTest(
  "ensureTopics creates compacted changelogs and repartition topics once, then finds them",
  async (brokers) => {
    const admin = testKafka(brokers).admin();
    await admin.connect();
    try {
      const changelog = uniqueName("app-rule.win-changelog");
      const repartition = uniqueName("app-rule.rekey-repartition");
      const requests = [
        { name: changelog, partitions: 3, compacted: true },
        { name: repartition, partitions: 2, compacted: false },
      ];
      assert.deepEqual(await ensureTopics(admin, requests), {
        created: [changelog, repartition],
        existing: [],
      });
      assert.deepEqual(await ensureTopics(admin, requests), {
        created: [],
        existing: [changelog, repartition],
      });
      const counts = await partitionCounts(admin, [changelog, repartition]);
      assert.deepEqual(
        new Map([...counts].sort()),
        new Map([
          [changelog, 3],
          [repartition, 2],
        ]),
      );
      const configs = await admin.describeConfigs({
        resources: [
          { type: kafkajs.ConfigResourceTypes.TOPIC, name: changelog, configNames: ["cleanup.policy"] },
        ],
        includeSynonyms: false,
      });
      assert.equal(configs.resources[0]?.configEntries[0]?.configValue, "compact");
      // Two workers racing to create the same topics both succeed.
      const raced = uniqueName("app-raced-changelog");
      const race = [{ name: raced, partitions: 2, compacted: true }];
      const results = await Promise.all([ensureTopics(admin, race), ensureTopics(admin, race)]);
      assert.deepEqual(
        results.flatMap((r) => r.created.concat(r.existing)),
        [raced, raced],
      );
    } finally {
      await admin.disconnect();
    }
  },
);

kafkaTest(
  "an existing internal topic with the wrong partition count, or a missing topic, is a clear error",
  async (brokers) => {
    const admin = testKafka(brokers).admin();
    await admin.connect();
    try {
      const name = uniqueName("app-wrong-changelog");
      await ensureTopics(admin, [{ name, partitions: 2, compacted: true }]);
      await assert.rejects(
        ensureTopics(admin, [{ name, partitions: 4, compacted: true }]),
        (err: unknown) =>
          err instanceof TopicLayoutError &&
          err.message.includes(`'${name}' has 2 partitions, 4 are required`),
      );
      await assert.rejects(
        partitionCounts(admin, ["no-such-topic-here"]),
        /topics do not exist: 'no-such-topic-here'/,
      );
      await assert.rejects(
        ensureTopics(admin, [{ name, partitions: 0, compacted: true }]),
        /positive integer/,
      );
    } finally {
      await admin.disconnect();
    }
  },
);

test("checkCopartitioned names the join and the differing topics, and passes equal counts", () => {
  const counts = new Map([
    ["payments", 8],
    ["accounts", 4],
    ["refunds", 8],
  ]);
  assert.deepEqual(
    checkCopartitioned([{ processor: "r.join", topics: ["payments", "refunds"] }], counts),
    [],
  );
  const [message, ...rest] = checkCopartitioned(
    [
      { processor: "big.join", topics: ["accounts", "payments"] },
      { processor: "ok.join", topics: ["payments", "refunds"] },
    ],
    counts,
  );
  assert.deepEqual(rest, []);
  assert.ok(
    message?.startsWith(
      "'big.join' needs co-partitioned inputs, but 'accounts' has 4 and 'payments' has 8 partitions",
    ),
    message,
  );
  assert.ok(message?.includes("partition by"));
});

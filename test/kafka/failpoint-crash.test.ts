// Kafka I/O stage tests: a worker SIGKILLed at each commit phase (VIGIL_FAILPOINT=<phase>@2, the
// second transaction) leaves nothing half-done: once the task's next producer starts, read_committed
// sees exactly the transactions that committed, and the group's offsets agree with them.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { readPartitions } from "../../src/kafka/partition-reader.ts";
import { createTaskProducer } from "../../src/kafka/task-producer.ts";
import { kafkaTest, testKafka, uniqueName } from "../support/kafka-env.ts";

const FIXTURE = fileURLToPath(new URL("./fixtures/crash-commit.ts", import.meta.url));

function runFixture(args: string[], failpoint: string): Promise<{ signal: string | null; stdout: string }> {
  return new Promise((ok, fail) => {
    const child = spawn(process.execPath, ["--import", "tsx", FIXTURE, ...args], {
      env: { ...process.env, VIGIL_FAILPOINT: failpoint },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.on("error", fail);
    child.on("exit", (_code, signal) => ok({ signal, stdout }));
  });
}

const CASES = [
  { phase: "after-send", secondCommitted: false },
  { phase: "after-send-offsets", secondCommitted: false },
  { phase: "before-commit", secondCommitted: false },
  { phase: "after-commit", secondCommitted: true },
] as const;

for (const { phase, secondCommitted } of CASES) {
  kafkaTest(
    `SIGKILL at ${phase}: the crashed transaction is ${secondCommitted ? "committed" : "invisible"}`,
    async (brokers) => {
      const kafka = testKafka(brokers);
      const [output, input, groupId] = [
        uniqueName("crash-out"),
        uniqueName("crash-in"),
        uniqueName("crash-group"),
      ];
      const admin = kafka.admin();
      await admin.connect();
      try {
        await admin.createTopics({
          topics: [output, input].map((topic) => ({ topic })),
          waitForLeaders: true,
        });
        const run = await runFixture([brokers.join(","), groupId, output, input], `${phase}@2`);
        assert.equal(run.signal, "SIGKILL", `the fixture died at the failpoint (stdout: ${run.stdout})`);
        assert.equal(run.stdout, "first: committed\n");
        // The task's next producer settles whatever the dead one left open.
        const next = createTaskProducer({ kafka, groupId, taskId: "0" });
        await next.start();
        await next.close();
        const values: string[] = [];
        await readPartitions(kafka, [{ topic: output, partition: 0, from: 0 }], (_p, ms) => {
          values.push(...ms.map((m) => m.value?.toString() ?? ""));
        });
        const expected = secondCommitted ? ["first0", "first1", "second0", "second1"] : ["first0", "first1"];
        assert.deepEqual(values, expected);
        const offsets = await admin.fetchOffsets({ groupId, topics: [input] });
        assert.equal(offsets[0]?.partitions[0]?.offset, secondCommitted ? "20" : "10");
      } finally {
        await admin.disconnect();
      }
    },
  );
}

// Kafka I/O stage tests: the worker logs `worker.status` every statusIntervalMs, busy or idle: its
// open tasks, assigned task partitions, lag, records since the last line (all of them add up to the
// input), their rate, and the lowest task watermark.
import assert from "node:assert/strict";
import { resolveConnection } from "../../src/kafka/connection.ts";
import { createWorker } from "../../src/kafka/worker.ts";
import { filterRule, paymentRows, payments, planOf } from "../runtime/support/plans.ts";
import { kafkaTest, testKafka, uniqueName } from "../support/kafka-env.ts";
import { createInputTopic, produceRows } from "../support/worker-fixture.ts";

const PARTITIONS = 3;
const sleep = (ms: number) => new Promise<void>((ok) => setTimeout(ok, ms));

interface Status {
  tasks: number;
  assigned: number[];
  lag: number;
  records: number;
  recordsPerSec: number;
  watermark: string | null;
}

kafkaTest(
  "a worker logs its status periodically, idle ones too: tasks, lag, records/s, watermark",
  async (brokers) => {
    const suffix = uniqueName("status");
    const rule = filterRule();
    const plan = planOf([{ ...rule, sink: { ...rule.sink, topic: `${rule.sink.topic}-${suffix}` } }], {
      ...payments,
      topic: `payments-${suffix}`,
    });
    const kafka = testKafka(brokers);
    const input = plan.streams[0]!.topic;
    await createInputTopic(kafka, input, PARTITIONS);
    const rows = paymentRows(31, 240);
    await produceRows(kafka, input, rows, PARTITIONS);
    const lines: Status[] = [];
    const worker = createWorker({
      connection: resolveConnection({ brokers }, {}),
      groupId: `g-${suffix}`,
      plan,
      sessionTimeoutMs: 6_000,
      statusIntervalMs: 200,
      log: (event, fields) => {
        if (event === "worker.status") lines.push(fields as unknown as Status);
      },
    });
    await worker.start();
    try {
      const until = Date.now() + 60_000;
      while (lines.reduce((sum, l) => sum + l.records, 0) < rows.length) {
        assert.ok(Date.now() < until, `records in status lines: ${JSON.stringify(lines.slice(-3))}`);
        await sleep(100);
      }
      const idleFrom = lines.length;
      await sleep(1_500); // idle: nothing left to read
      const idle = lines.slice(idleFrom);
      assert.ok(idle.length >= 3, `status lines while idle: ${idle.length}`);
      for (const l of idle) {
        assert.deepEqual(
          { tasks: l.tasks, assigned: l.assigned, lag: l.lag, records: l.records, rate: l.recordsPerSec },
          { tasks: PARTITIONS, assigned: [0, 1, 2], lag: 0, records: 0, rate: 0 },
        );
        // Every task's watermark stands within the data's event times.
        const wm = Date.parse(l.watermark ?? "");
        const first = rows[0]!["ts"] as number;
        const last = rows[rows.length - 1]!["ts"] as number;
        assert.ok(wm >= first - 60_000 && wm <= last, `watermark ${l.watermark}`);
      }
    } finally {
      await worker.stop();
    }
    assert.equal(
      lines.reduce((sum, l) => sum + l.records, 0),
      rows.length,
      "status lines count every record once",
    );
    assert.ok(lines.some((l) => l.recordsPerSec > 0));
  },
);

// End-to-end bench, third contender: the least an exactly-once engine on kafkajs must do. Consume
// read_committed -> JSON.parse -> (filter) -> JSON.stringify -> one transaction per fetched batch
// (sends chunked at 2,000 records, sendOffsets, commit). No state, no headers, no engine: the
// ceiling for Vigil's stateless modes. Runs until SIGTERM.
// Usage: node --import tsx bench/e2e/bare-kafkajs.ts <brokers> <group> <input> <output> <passthrough|filter>
import { type EachBatchPayload, Kafka, logLevel, type Message } from "kafkajs";
import { FILTER_OVER } from "./generator.ts";

const CHUNK = 2_000;
const [brokers, group, input, output, mode] = process.argv.slice(2);
if (mode !== "passthrough" && mode !== "filter") {
  console.error("usage: bare-kafkajs.ts <brokers> <group> <input> <output> <passthrough|filter>");
  process.exit(2);
}

const kafka = new Kafka({
  clientId: "bare-kafkajs",
  brokers: brokers!.split(","),
  logLevel: logLevel.WARN,
  retry: { initialRetryTime: 5, retries: 50 },
});
const producer = kafka.producer({
  transactionalId: `${group}-bare`,
  maxInFlightRequests: 1,
  idempotent: true,
});
const consumer = kafka.consumer({ groupId: group!, readUncommitted: false });

function transform(batch: EachBatchPayload["batch"]): Message[] {
  const out: Message[] = [];
  for (const m of batch.messages) {
    const record = JSON.parse(m.value!.toString());
    if (mode === "filter" && !(record.amount > FILTER_OVER)) continue;
    out.push({ key: m.key, value: JSON.stringify(record), partition: batch.partition });
  }
  return out;
}

/** Right after a commit the broker may still refuse the next transaction's first call (retriable). */
async function retrying(step: () => Promise<unknown>): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await step();
      return;
    } catch (err) {
      const type = (err as { type?: string }).type;
      if (attempt >= 50 || type !== "CONCURRENT_TRANSACTIONS") throw err;
      await new Promise((ok) => setTimeout(ok, 5 + attempt * 5));
    }
  }
}

async function eachBatch({ batch }: EachBatchPayload): Promise<void> {
  if (batch.messages.length === 0) return;
  const messages = transform(batch);
  const tx = await producer.transaction();
  try {
    for (let i = 0; i < messages.length; i += CHUNK) {
      await tx.send({ topic: output!, messages: messages.slice(i, i + CHUNK) });
    }
    const offset = String(Number(batch.lastOffset()) + 1);
    const topics = [{ topic: batch.topic, partitions: [{ partition: batch.partition, offset }] }];
    await retrying(() => tx.sendOffsets({ consumerGroupId: group!, topics }));
    await tx.commit();
  } catch (err) {
    await tx.abort().catch(() => undefined);
    console.error(`[bare] transaction failed: ${String(err)}`);
    process.exit(1);
  }
}

async function main(): Promise<void> {
  await producer.connect();
  await consumer.connect();
  await consumer.subscribe({ topics: [input!], fromBeginning: true });
  await consumer.run({ autoCommit: false, eachBatchAutoResolve: true, eachBatch });
}

let stopping = false;
process.on("SIGTERM", () => {
  if (stopping) process.exit(143);
  stopping = true;
  void Promise.allSettled([consumer.disconnect(), producer.disconnect()]).then(() => process.exit(0));
});

main().catch((err) => {
  console.error(`[bare] ${String(err)}`);
  process.exit(1);
});

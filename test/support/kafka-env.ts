// Test support: where the Kafka broker for integration tests is (KAFKA_BROKERS, set by `npm test`).
// Without it, Kafka tests FAIL, unless VIGIL_SKIP_KAFKA=1, when they skip and say why.
import { type TestContext, test } from "node:test";
import { Kafka, logLevel } from "../../src/kafka/kafkajs.ts";

/** The bootstrap addresses from KAFKA_BROKERS, or null when unset. */
export function kafkaBrokers(): string[] | null {
  const raw = process.env["KAFKA_BROKERS"]?.trim();
  if (!raw) return null;
  return raw
    .split(",")
    .map((b) => b.trim())
    .filter((b) => b.length > 0);
}

/** Like `test()`, but hands the body the broker list; fails (or skips with VIGIL_SKIP_KAFKA=1) without one. */
export function kafkaTest(
  name: string,
  body: (brokers: string[], t: TestContext) => Promise<void>,
  options: { timeout?: number } = {},
): void {
  const brokers = kafkaBrokers();
  if (brokers === null && process.env["VIGIL_SKIP_KAFKA"] === "1") {
    test(`${name} (skipped: VIGIL_SKIP_KAFKA=1 and no KAFKA_BROKERS)`, { skip: true }, () => undefined);
    return;
  }
  test(name, { timeout: options.timeout ?? 60_000 }, async (t) => {
    if (brokers === null) {
      throw new Error(
        "KAFKA_BROKERS is not set: run through `npm test` (it starts a broker), or set VIGIL_SKIP_KAFKA=1 to skip",
      );
    }
    await body(brokers, t);
  });
}

let counter = 0;

/** A topic/group name unique within this run: `<prefix>-<pid>-<n>`. */
export function uniqueName(prefix: string): string {
  counter += 1;
  return `${prefix}-${process.pid}-${counter}`;
}

/** A kafkajs client for tests: quiet (coordinator-loading noise), fast retries. */
export function testKafka(brokers: string[], clientId = uniqueName("test")): Kafka {
  return new Kafka({
    clientId,
    brokers,
    logLevel: logLevel.NOTHING,
    retry: { initialRetryTime: 5, retries: 20 },
  });
}

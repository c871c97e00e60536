// CLI command `vigil dev`: developer tools. `vigil dev kafka` runs a throwaway single-node Kafka
// broker in the foreground (the same harness the tests use) and stops it, by PID, on Ctrl-C.
import { startDevBroker } from "../../kafka/dev-broker.ts";

const HELP = `Usage: vigil dev <tool>

Tools:
  kafka   start a single-node Kafka broker (KRaft, Kafka 4.4.0) on 127.0.0.1 in the foreground;
          prints its bootstrap address; Ctrl-C stops it and removes its data.
          The broker jars are fetched from Maven Central with mvn on first use (cached in
          .cache/kafka/); Java 17+ and Maven must be installed.

Example:
  npx vigil dev kafka
  KAFKA_BROKERS=127.0.0.1:<port> npm test   # run the tests against it`;

async function devKafka(): Promise<number> {
  const broker = await startDevBroker({ log: (line) => console.error(line) });
  console.log(`Kafka ${broker.version} is up: bootstrap ${broker.bootstrap}`);
  console.log(`  broker log: ${broker.logFile}`);
  console.log("  Ctrl-C to stop");
  const signal = await new Promise<string>((ok) => {
    process.once("SIGINT", () => ok("SIGINT"));
    process.once("SIGTERM", () => ok("SIGTERM"));
  });
  console.error(`[kafka] ${signal}: stopping the broker`);
  await broker.stop();
  console.error("[kafka] stopped");
  return 0;
}

/** `vigil dev kafka` | `vigil dev --help`. */
export async function run(argv: string[]): Promise<number> {
  const [tool, ...rest] = argv;
  if (tool === undefined || tool === "--help" || tool === "-h" || tool === "help") {
    console.log(HELP);
    return tool === undefined ? 2 : 0;
  }
  if (tool === "kafka" && rest.length === 0) return devKafka();
  if (tool === "kafka" && (rest[0] === "--help" || rest[0] === "-h")) {
    console.log(HELP);
    return 0;
  }
  console.error(`vigil dev: unknown tool or option '${[tool, ...rest].join(" ")}'\n\n${HELP}`);
  return 2;
}

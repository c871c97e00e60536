// CLI command `vigil dev`: developer tools. `vigil dev kafka` runs a throwaway single-node Kafka
// broker in the foreground (the same harness the tests use) and stops it, by PID, on Ctrl-C.
import { Argument, type Command } from "commander";
import type { CliCommand } from "../shared/cli-command.ts";

const HELP = `
Tools:
  kafka   start a single-node Kafka broker (KRaft, Kafka 4.4.0) on 127.0.0.1 in the foreground;
          prints its bootstrap address; Ctrl-C stops it and removes its data.
          The broker jars are fetched from Maven Central with mvn on first use (cached in
          .cache/kafka/); Java 17+ and Maven must be installed.

Example:
  npx vigil dev kafka
  KAFKA_BROKERS=127.0.0.1:<port> npm test   # run the tests against it`;

async function devKafka(): Promise<number> {
  const { startDevBroker } = await import("../../kafka/dev-broker.ts");
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

export const command: CliCommand = {
  configure(cmd: Command) {
    cmd.addArgument(new Argument("<tool>", "the tool to run").choices(["kafka"])).addHelpText("after", HELP);
  },
  run: () => devKafka(),
};

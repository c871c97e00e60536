// CLI stage: the Kafka connection of the operator commands (`why`, `lag`, `dlq`): --brokers and
// --client-id over the environment (KAFKA_BROKERS, VIGIL_KAFKA_*), like `vigil run` without a file.
import type { Command } from "commander";
import {
  type Connection,
  mergeSettings,
  resolveConnection,
  settingsFromEnv,
} from "../../kafka/connection.ts";

export interface ConnectionFlags {
  readonly brokers?: string;
  readonly clientId?: string;
}

export function addConnectionOptions(cmd: Command): Command {
  return cmd
    .option("--brokers <list>", "bootstrap brokers, host:port,... (env KAFKA_BROKERS)")
    .option("--client-id <id>", "Kafka client id (default vigil)");
}

/** The connection, or null after printing the problems (bad brokers, TLS/SASL settings) as `vigil <command>: ...`. */
export function connectionOrReport(command: string, flags: ConnectionFlags): Connection | null {
  try {
    return connectionOf(flags);
  } catch (err) {
    console.error(`vigil ${command}: ${(err as Error).message}`);
    return null;
  }
}

/** Throws with the connection problems listed (bad brokers, TLS/SASL settings). */
export function connectionOf(flags: ConnectionFlags): Connection {
  return resolveConnection(
    mergeSettings(settingsFromEnv(), {
      ...(flags.brokers ? { brokers: flags.brokers } : {}),
      ...(flags.clientId ? { clientId: flags.clientId } : {}),
    }),
  );
}

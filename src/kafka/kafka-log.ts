// Kafka I/O stage: routes kafkajs's own log entries (warn and above) into the worker's event log as
// `kafka.warn` / `kafka.error` events, so a worker's stderr stays JSON lines only.
import type { logCreator } from "kafkajs";
import { logLevel } from "./kafkajs.ts";
import type { WorkerLog } from "./worker-layout.ts";

/** The kafkajs client settings that send its warnings and errors to `log`. */
export function kafkaLogging(log: WorkerLog): { logLevel: logLevel; logCreator: logCreator } {
  const creator: logCreator = () => (entry) => {
    const { message, timestamp: _time, logger: _logger, ...fields } = entry.log;
    const event = entry.level <= logLevel.ERROR ? "kafka.error" : "kafka.warn";
    log(event, { namespace: entry.namespace, message, ...fields });
  };
  return { logLevel: logLevel.WARN, logCreator: creator };
}

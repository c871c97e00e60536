// Kafka dev stage: the files a throwaway single-node KRaft broker needs (server.properties and a
// log4j2 config that sends the broker's log to a file), written into its temporary folder.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";

/** Ports and folder of one dev broker. */
export interface DevBrokerLayout {
  readonly dir: string;
  readonly brokerPort: number;
  readonly controllerPort: number;
  /** Extra or overriding server.properties entries. */
  readonly overrides?: Readonly<Record<string, string>>;
}

/** server.properties for one combined broker+controller on 127.0.0.1, tuned for tests. */
export function serverProperties(layout: DevBrokerLayout): Record<string, string> {
  const host = "127.0.0.1";
  return {
    "process.roles": "broker,controller",
    "node.id": "1",
    "controller.quorum.voters": `1@${host}:${layout.controllerPort}`,
    listeners: `PLAINTEXT://${host}:${layout.brokerPort},CONTROLLER://${host}:${layout.controllerPort}`,
    "advertised.listeners": `PLAINTEXT://${host}:${layout.brokerPort}`,
    "controller.listener.names": "CONTROLLER",
    "inter.broker.listener.name": "PLAINTEXT",
    "listener.security.protocol.map": "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
    "log.dirs": join(layout.dir, "data"),
    "num.partitions": "1",
    "offsets.topic.replication.factor": "1",
    "offsets.topic.num.partitions": "8",
    "transaction.state.log.replication.factor": "1",
    "transaction.state.log.min.isr": "1",
    "transaction.state.log.num.partitions": "8",
    "share.coordinator.state.topic.replication.factor": "1",
    "share.coordinator.state.topic.min.isr": "1",
    "group.initial.rebalance.delay.ms": "0",
    // Tests write event times from 1970: without this, time retention deletes them within minutes.
    "log.retention.ms": "-1",
    // Lets crash tests use short consumer session timeouts (the broker's default floor is 6 s).
    "group.min.session.timeout.ms": "1000",
    ...layout.overrides,
  };
}

function log4j2Properties(logFile: string): string {
  return [
    "status = warn",
    "appender.file.type = File",
    "appender.file.name = FILE",
    `appender.file.fileName = ${logFile}`,
    "appender.file.layout.type = PatternLayout",
    "appender.file.layout.pattern = [%d] %p %m (%c)%n",
    "rootLogger.level = INFO",
    "rootLogger.appenderRef.file.ref = FILE",
    "",
  ].join("\n");
}

/** Writes server.properties and log4j2.properties; returns their paths and the log file's. */
export async function writeBrokerFiles(
  layout: DevBrokerLayout,
): Promise<{ serverFile: string; log4jFile: string; logFile: string }> {
  const serverFile = join(layout.dir, "server.properties");
  const log4jFile = join(layout.dir, "log4j2.properties");
  const logFile = join(layout.dir, "broker.log");
  const props = Object.entries(serverProperties(layout)).map(([k, v]) => `${k}=${v}`);
  await writeFile(serverFile, `${props.join("\n")}\n`);
  await writeFile(log4jFile, log4j2Properties(logFile));
  return { serverFile, log4jFile, logFile };
}

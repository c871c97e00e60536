// Kafka dev stage: starts a throwaway single-node Kafka (KRaft) JVM on free 127.0.0.1 ports for the
// tests, `vigil dev kafka` and the benchmarks; guarantees the JVM is stopped (by PID) and its temp
// folder removed on stop(), and a watchdog kills it if the Node process that started it dies.
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { openSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeBrokerFiles } from "./dev-broker-config.ts";
import { ensureBrokerJars, KAFKA_VERSION } from "./dev-broker-jars.ts";
import { Kafka, logLevel } from "./kafkajs.ts";

/** A running dev broker. */
export interface DevBroker {
  readonly bootstrap: string;
  readonly pid: number;
  readonly dir: string;
  readonly logFile: string;
  readonly version: string;
  readonly timings: { readonly jarsMs: number; readonly jarsCached: boolean; readonly startMs: number };
  /** SIGTERM, then SIGKILL after `graceMs`; removes the temp folder. Safe to call twice. */
  stop(graceMs?: number): Promise<void>;
}

export interface DevBrokerOptions {
  /** Progress lines (timings, paths); default: none. */
  readonly log?: (line: string) => void;
  readonly heapMb?: number;
  readonly readyTimeoutMs?: number;
  readonly overrides?: Readonly<Record<string, string>>;
  /** Keep the temp folder after stop (to read the broker log). */
  readonly keepDir?: boolean;
}

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.unref();
    server.on("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => ok(port));
    });
  });
}

function runJava(args: string[], outFile: string): Promise<number> {
  const fd = openSync(outFile, "a");
  return new Promise((ok, fail) => {
    const child = spawn("java", args, { stdio: ["ignore", fd, fd] });
    child.on("error", (err) => fail(new Error(`cannot run java (is Java 17+ installed?): ${err.message}`)));
    child.on("exit", (code) => ok(code ?? 1));
  });
}

/** Kills `jvmPid` (and removes `dir`) if this Node process dies without stopping the broker. */
function startWatchdog(jvmPid: number, dir: string): void {
  const code = `
    const [parent, jvm, dir] = [Number(process.argv[1]), Number(process.argv[2]), process.argv[3]];
    const alive = (pid) => { try { process.kill(pid, 0); return true; } catch { return false; } };
    const timer = setInterval(() => {
      if (!alive(jvm)) { clearInterval(timer); return; }
      if (alive(parent)) return;
      try { process.kill(jvm, "SIGKILL"); } catch {}
      setTimeout(() => { require("node:fs").rmSync(dir, { recursive: true, force: true }); process.exit(0); }, 1000);
      clearInterval(timer);
    }, 500);`;
  const args = ["-e", code, String(process.pid), String(jvmPid), dir];
  spawn(process.execPath, args, { detached: true, stdio: "ignore" }).unref();
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((ok) => child.once("exit", () => ok()));
}

async function stopJvm(child: ChildProcess, graceMs: number): Promise<void> {
  const done = exited(child);
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
  await done;
  clearTimeout(timer);
}

/** Polls until the broker answers metadata and both coordinators are up (or the JVM dies). */
async function waitReady(bootstrap: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  const kafka = new Kafka({
    clientId: "vigil-dev-probe",
    brokers: [bootstrap],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 500,
    retry: { retries: 0 },
  });
  let lastError: unknown = null;
  while (performance.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error("the broker JVM exited");
    try {
      await warmUp(kafka);
      return;
    } catch (err) {
      lastError = err;
      await new Promise((ok) => setTimeout(ok, 200));
    }
  }
  throw new Error(`the broker did not answer within ${timeoutMs} ms: ${String(lastError)}`);
}

/** Metadata, then the group and transaction coordinators (creates their internal topics). */
async function warmUp(kafka: Kafka): Promise<void> {
  const admin = kafka.admin();
  const producer = kafka.producer({ transactionalId: "vigil-dev-warmup", maxInFlightRequests: 1 });
  try {
    await admin.connect();
    await admin.describeCluster();
    await admin.fetchOffsets({ groupId: "vigil-dev-warmup", topics: [] });
    await producer.connect();
    const tx = await producer.transaction();
    await tx.abort();
  } finally {
    await producer.disconnect().catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
  }
}

async function launch(dir: string, jarsDir: string, options: DevBrokerOptions) {
  const [brokerPort, controllerPort] = [await freePort(), await freePort()];
  const layout = {
    dir,
    brokerPort,
    controllerPort,
    ...(options.overrides ? { overrides: options.overrides } : {}),
  };
  const { serverFile, log4jFile, logFile } = await writeBrokerFiles(layout);
  const classpath = `${jarsDir}/*`;
  // An id starting with '-' is read by the storage tool as an option ("-t: expected one argument"):
  // one start in 64 failed. 'A' keeps it 22 base64url characters (16 bytes).
  const clusterId = randomBytes(16).toString("base64url").replace(/^-/, "A");
  const outFile = join(dir, "broker.out");
  const format = ["-cp", classpath, "kafka.tools.StorageTool", "format", "-t", clusterId, "-c", serverFile];
  const formatCode = await runJava(format, outFile);
  if (formatCode !== 0) throw new Error(`kafka storage format failed (${formatCode}); see ${outFile}`);
  const jvmArgs = [`-Xmx${options.heapMb ?? 512}m`, `-Dlog4j2.configurationFile=${log4jFile}`];
  const fd = openSync(outFile, "a");
  const child = spawn("java", [...jvmArgs, "-cp", classpath, "kafka.Kafka", serverFile], {
    stdio: ["ignore", fd, fd],
  });
  return { child, bootstrap: `127.0.0.1:${brokerPort}`, logFile };
}

/**
 * Starts a broker and resolves once it serves metadata, groups and transactions.
 * @example const broker = await startDevBroker({ log: console.log }); ...; await broker.stop();
 */
export async function startDevBroker(options: DevBrokerOptions = {}): Promise<DevBroker> {
  const log = options.log ?? (() => undefined);
  const jars = await ensureBrokerJars();
  log(
    `[kafka] broker jars (Kafka ${KAFKA_VERSION}): ${jars.cached ? "cached" : "fetched (cold)"} in ${(jars.ms / 1000).toFixed(1)} s`,
  );
  const started = performance.now();
  const dir = await mkdtemp(join(tmpdir(), "vigil-kafka-"));
  let child: ChildProcess | null = null;
  const cleanup = async (graceMs: number) => {
    if (child !== null) await stopJvm(child, graceMs);
    if (!options.keepDir) await rm(dir, { recursive: true, force: true });
  };
  try {
    const launched = await launch(dir, jars.dir, options);
    child = launched.child;
    if (child.pid === undefined) throw new Error("could not start java");
    startWatchdog(child.pid, dir);
    try {
      await waitReady(launched.bootstrap, child, options.readyTimeoutMs ?? 180_000);
    } catch (err) {
      throw new Error(
        `${(err as Error).message}; broker log: ${launched.logFile} (and ${join(dir, "broker.out")})`,
      );
    }
    const startMs = performance.now() - started;
    log(
      `[kafka] broker started in ${(startMs / 1000).toFixed(1)} s at ${launched.bootstrap} (pid ${child.pid})`,
    );
    let stopping: Promise<void> | null = null;
    return {
      bootstrap: launched.bootstrap,
      pid: child.pid,
      dir,
      logFile: launched.logFile,
      version: KAFKA_VERSION,
      timings: { jarsMs: jars.ms, jarsCached: jars.cached, startMs },
      stop: (graceMs = 10_000) => (stopping ??= cleanup(graceMs)),
    };
  } catch (err) {
    // Keep the folder so the log can be read; the JVM itself must not survive.
    if (child !== null) await stopJvm(child, 2_000);
    throw err;
  }
}

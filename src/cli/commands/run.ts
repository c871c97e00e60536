// CLI command `vigil run <rules> --brokers host:port --group id`: a Kafka worker with exactly-once
// output. Settings come from a JSON config file, environment variables and flags (flags win), are
// validated with clear errors, and secrets never reach the logs. SIGTERM/SIGINT stop it cleanly;
// a second signal exits at once.

import { type Command, Option } from "commander";
import { renderDiagnostics } from "../../dsl/diagnostics/render.ts";
import { describeError, isConfigError } from "../../kafka/kafka-errors.ts";
import { createWorker } from "../../kafka/worker.ts";
import { createEventLog, type EventLog, LOG_LEVELS } from "../../log/logger.ts";
import { parseListenAddress } from "../../observe/http-server.ts";
import { compileProgram } from "../../plan/compile.ts";
import { resolveParamOverrides } from "../../plan/params.ts";
import type { ProgramPlan } from "../../plan/plan.ts";
import { ConfigFileError } from "../run-config/read-config.ts";
import { RunConfigSchema } from "../run-config/schema.ts";
import { type RunFlags, type RunSettings, runSettings } from "../run-config/settings.ts";
import type { CliCommand } from "../shared/cli-command.ts";
import { collect, duration, integer, positiveNumber } from "../shared/options.ts";
import { unreadableRulesFiles } from "../shared/rules-files.ts";

const HELP_AFTER = `
Runs the rules as a Kafka worker: joins the consumer group <id>, runs one task per input partition,
and writes outputs, changelogs, dead letters and consumed offsets in one transaction per batch.
Several workers with the same group share the partitions.

Config file (--config): a JSON object with the keys ${Object.keys(RunConfigSchema.shape).join(", ")}
  (docs/operations.md describes each); an unknown key or a bad value is an error naming the key.
  Flags win over the environment, which wins over the file.
Environment: KAFKA_BROKERS, VIGIL_GROUP, VIGIL_STATE_DIR, VIGIL_STATE_CACHE_MB, VIGIL_IDLE_AFTER,
  VIGIL_KAFKA_TLS=1, VIGIL_KAFKA_TLS_CA_FILE, VIGIL_KAFKA_SASL_MECHANISM, VIGIL_KAFKA_SASL_USERNAME,
  VIGIL_KAFKA_SASL_PASSWORD or VIGIL_KAFKA_SASL_PASSWORD_FILE.
Logs are JSON lines on stderr.`;

export const command: CliCommand = {
  configure(cmd: Command) {
    cmd
      .argument("<files...>", "rule files")
      .option("--brokers <list>", "bootstrap brokers, host:port,... (env KAFKA_BROKERS)")
      .option("--group <id>", "consumer group, also the prefix of internal topics (env VIGIL_GROUP)")
      .option("--config <file.json>", "settings file (see below)")
      .option("--client-id <id>", "Kafka client id (default vigil)")
      .option(
        "--param <name=value>",
        "override a rule parameter, typed by its declaration (repeatable)",
        collect,
      )
      .option("--dead-letter-topic <topic>", "dead-letter topic (default <group>-dead-letters)")
      .option("--session-timeout <ms>", "consumer session timeout (default 10000)", integer(1000, 3_600_000))
      .option(
        "--fetch-bytes <n>",
        "fetch size per partition, bounding each transaction (default 1048576)",
        integer(1024, 1 << 30),
      )
      .option(
        "--state-dir <dir>",
        "RocksDB state under <dir>/<group>/<task> (env VIGIL_STATE_DIR); without it, state is rebuilt from the changelog in memory",
      )
      .option(
        "--state-cache-mb <mb>",
        "with --state-dir: memory for each task's clean state cache, MB (env VIGIL_STATE_CACHE_MB; default 64); the rest stays in RocksDB",
        positiveNumber,
      )
      .option(
        "--idle-after <duration>",
        "`idle after` of the streams that declare none: a partition quiet this long (wall clock) stops holding event time back (env VIGIL_IDLE_AFTER; default 60s)",
        duration,
      )
      .addOption(new Option("--log-level <level>", "lowest level logged (default info)").choices(LOG_LEVELS))
      .option(
        "--http <host:port>",
        "serve /metrics (Prometheus), /livez, /readyz, /status and the live dashboard at / (env VIGIL_HTTP; port 0 picks a free one, logged as http.listening)",
      )
      .addHelpText("after", HELP_AFTER);
  },
  run: (files, opts) => runWorker(files, opts as RunFlags & { readonly http?: string }),
};

/**
 * A worker never dies silently: an error nothing caught is logged as `worker.fatal` and the process
 * exits 1, so its supervisor restarts it (its tasks' producers fence what it left open).
 */
function exitLoudlyOnFatalErrors(log: EventLog): void {
  const fatal = (kind: string) => (err: unknown) => {
    log("worker.fatal", { kind, error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    process.exit(1);
  };
  process.on("uncaughtException", fatal("uncaught-exception"));
  process.on("unhandledRejection", fatal("unhandled-rejection"));
}

/** Waits for SIGTERM/SIGINT; a second one exits at once. */
function firstSignal(): Promise<string> {
  return new Promise((ok) => {
    let seen = false;
    const on = (signal: string) => {
      if (seen) process.exit(signal === "SIGINT" ? 130 : 143);
      seen = true;
      ok(signal);
    };
    process.on("SIGTERM", () => on("SIGTERM"));
    process.on("SIGINT", () => on("SIGINT"));
  });
}

async function runWorker(files: string[], flags: RunFlags & { readonly http?: string }): Promise<number> {
  const unreadable = unreadableRulesFiles(files);
  for (const p of unreadable) console.error(`vigil run: ${p}`);
  if (unreadable.length > 0) return 1;
  let config: RunSettings;
  try {
    config = runSettings(flags);
  } catch (err) {
    // Before the worker starts: plain lines for the person at the terminal, never JSON.
    if (err instanceof ConfigFileError) for (const p of err.problems) console.error(p);
    else console.error(`vigil run: ${(err as Error).message}`);
    return 2;
  }
  const compiled = compileProgram(files);
  if (compiled.plan === null) {
    console.error(renderDiagnostics(compiled.diagnostics, (f) => compiled.sources.get(f)));
    return 1;
  }
  const params = resolveParamOverrides(compiled.plan, config.params);
  if (params.errors.length > 0) {
    for (const e of params.errors) console.error(`vigil run: --param: ${e}`);
    return 2;
  }
  const http = flags.http ?? process.env["VIGIL_HTTP"];
  try {
    if (http !== undefined) parseListenAddress(http);
  } catch (err) {
    console.error(`vigil run: ${(err as Error).message}`);
    return 2;
  }
  const log = createEventLog({ level: config.logLevel });
  exitLoudlyOnFatalErrors(log);
  const observe = http === undefined ? null : await startHttp(compiled.plan, config.group, http);
  if (typeof observe === "string") {
    console.error(`vigil run: ${observe}`);
    return 1;
  }
  if (observe) log("http.listening", { url: observe.url });
  const worker = createWorker({
    connection: config.connection,
    groupId: config.group,
    plan: compiled.plan,
    params: Object.fromEntries(params.values),
    sessionTimeoutMs: config.timeout,
    maxBytesPerPartition: config.fetchBytes,
    ...(config.deadLetterTopic ? { deadLetterTopic: config.deadLetterTopic } : {}),
    ...(config.stateDir ? { stateDir: config.stateDir, stateCacheBytes: config.stateCacheBytes } : {}),
    sinkTopics: config.sinkTopics,
    ...(config.statusIntervalMs !== undefined ? { statusIntervalMs: config.statusIntervalMs } : {}),
    ...(config.purgeIntervalMs !== undefined ? { purgeIntervalMs: config.purgeIntervalMs } : {}),
    ...(config.idleAfterMs !== undefined ? { idleAfterMs: config.idleAfterMs } : {}),
    log,
    ...(observe ? { observer: observe.observer } : {}),
  });
  const signal = firstSignal();
  // Readiness goes false at the signal, before the drain.
  void signal.then(() => observe?.stopping());
  try {
    await worker.start();
  } catch (err) {
    log("worker.start-failed", { error: describeError(err) });
    await worker.stop().catch(() => undefined);
    // A refused plan or mis-partitioned topics: a configuration error (exit 2), never retried.
    return isConfigError(err) ? 2 : 1;
  }
  const ended = await Promise.race([
    signal.then((name) => ({ kind: "signal" as const, name })),
    worker.failed.then((error) => ({ kind: "failed" as const, error })),
  ]);
  if (ended.kind === "failed") {
    // The consumer will not come back by itself: exit non-zero so the supervisor restarts the worker.
    log("worker.fatal", { kind: "consumer-crashed", error: ended.error.message });
    const stopped = await Promise.race([
      worker.stop().then(
        () => true,
        () => false,
      ),
      new Promise<boolean>((ok) => setTimeout(() => ok(false), 30_000).unref()),
    ]);
    log("worker.exit", { code: 1, stopped });
    // A stop stuck on an unresponsive broker keeps sockets open: exit explicitly, never linger.
    process.exit(1);
  }
  log("worker.signal", { signal: ended.name });
  const deadline = setTimeout(() => {
    log("worker.stop-timeout", { ms: 30_000 });
    process.exit(1);
  }, 30_000);
  await worker.stop();
  await observe?.close();
  clearTimeout(deadline);
  return 0;
}

/** Starts /metrics, the probes and the dashboard; a port in use is a message, not a stack trace. */
async function startHttp(plan: ProgramPlan, group: string, listen: string) {
  const { startObservability } = await import("../../observe/serve.ts");
  return startObservability(plan, group, listen).catch((err: Error) => `--http ${listen}: ${err.message}`);
}

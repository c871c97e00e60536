// CLI stage, `vigil run`: the worker's settings from the --config file, the environment and the
// flags (flags win, then the environment, then the file). The file is validated by its schema
// (read-config.ts), so a bad value there is blamed on the file's key, never on a flag.
import type { Value } from "../../core/value.ts";
import {
  type Connection,
  type ConnectionSettings,
  mergeSettings,
  resolveConnection,
  settingsFromEnv,
} from "../../kafka/connection.ts";
import type { SinkTopicSettings } from "../../kafka/topics.ts";
import type { LogLevel } from "../../log/logger.ts";
import { parseDurationMs } from "../../plan/params.ts";
import { readRunConfig } from "./read-config.ts";

/** The parsed flags of `vigil run` (commander's camel-cased names). */
export interface RunFlags {
  readonly brokers?: string;
  readonly group?: string;
  readonly config?: string;
  readonly clientId?: string;
  readonly param?: string[];
  readonly deadLetterTopic?: string;
  readonly sessionTimeout?: number;
  readonly fetchBytes?: number;
  readonly stateDir?: string;
  readonly stateCacheMb?: number;
  readonly logLevel?: LogLevel;
  /** `--idle-after`, already parsed to ms. */
  readonly idleAfter?: number;
}

export interface RunSettings {
  readonly connection: Connection;
  readonly group: string;
  readonly timeout: number;
  readonly deadLetterTopic: string | undefined;
  /** Raw `--param` text and the file's typed values: checked against the plan once it is compiled. */
  readonly params: Record<string, string | Value>;
  readonly fetchBytes: number;
  readonly stateDir: string | undefined;
  /** Bytes of clean state cache per task (with stateDir). */
  readonly stateCacheBytes: number;
  readonly logLevel: LogLevel;
  readonly sinkTopics: Readonly<Record<string, SinkTopicSettings>>;
  readonly statusIntervalMs: number | undefined;
  readonly purgeIntervalMs: number | undefined;
  /** `idle after` of the streams that declare none (ms); undefined: the worker's default. */
  readonly idleAfterMs: number | undefined;
}

const MB = 1024 * 1024;

/** The state cache budget in MB: a positive number, default 64. */
function cacheMb(given: number | string | undefined): number {
  if (given === undefined) return 64;
  const mb = Number(given);
  if (!(mb > 0))
    throw new Error(`state cache: '${given}' is not a positive number of megabytes (VIGIL_STATE_CACHE_MB)`);
  return mb;
}

/** A duration from the environment or the file (the file's schema has checked its text already). */
function idleAfterMs(flag: number | undefined, env: string | undefined, file: string | undefined) {
  if (flag !== undefined) return flag;
  const text = env ?? file;
  if (text === undefined) return undefined;
  const ms = parseDurationMs(text);
  if (ms === undefined || ms <= 0)
    throw new Error(`idle after: '${text}' is not a duration such as 30s, 5m or 1h30m (VIGIL_IDLE_AFTER)`);
  return ms;
}

/** `--param name=value` flags as raw text. */
function parseParams(list: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of list) {
    const eq = item.indexOf("=");
    if (eq <= 0) throw new Error(`--param '${item}': expected name=value`);
    out[item.slice(0, eq)] = item.slice(eq + 1);
  }
  return out;
}

/** Throws ConfigFileError (file problems), ConnectionSettingsError or Error (flags, environment). */
export function runSettings(flags: RunFlags, env: NodeJS.ProcessEnv = process.env): RunSettings {
  const file = readRunConfig(flags.config);
  const fileConnection: ConnectionSettings = {
    ...(file.brokers !== undefined ? { brokers: file.brokers } : {}),
    ...(file.clientId !== undefined ? { clientId: file.clientId } : {}),
    ...(file.tls !== undefined ? { tls: file.tls } : {}),
    ...(file.sasl !== undefined ? { sasl: file.sasl } : {}),
  };
  const fromFlags: ConnectionSettings = {
    ...(flags.brokers ? { brokers: flags.brokers } : {}),
    ...(flags.clientId ? { clientId: flags.clientId } : {}),
  };
  const connection = resolveConnection(mergeSettings(fileConnection, settingsFromEnv(env), fromFlags));
  const group = flags.group ?? env["VIGIL_GROUP"] ?? file.group;
  if (!group || !/^[A-Za-z0-9._-]+$/.test(group)) {
    throw new Error(
      group
        ? `group '${group}' may only use letters, digits, '.', '_' and '-'`
        : "no group: pass --group <id> (or set VIGIL_GROUP)",
    );
  }
  return {
    connection,
    group,
    timeout: flags.sessionTimeout ?? file.sessionTimeoutMs ?? 10_000,
    deadLetterTopic: flags.deadLetterTopic ?? file.deadLetterTopic,
    params: { ...(file.params ?? {}), ...parseParams(flags.param ?? []) },
    fetchBytes: flags.fetchBytes ?? file.fetchBytes ?? 1_048_576,
    stateDir: flags.stateDir ?? env["VIGIL_STATE_DIR"] ?? file.stateDir,
    stateCacheBytes: Math.round(
      cacheMb(flags.stateCacheMb ?? env["VIGIL_STATE_CACHE_MB"] ?? file.stateCacheMb) * MB,
    ),
    logLevel: flags.logLevel ?? file.logLevel ?? "info",
    sinkTopics: file.topics ?? {},
    statusIntervalMs: file.statusIntervalMs,
    purgeIntervalMs: file.purgeIntervalMs,
    idleAfterMs: idleAfterMs(flags.idleAfter, env["VIGIL_IDLE_AFTER"], file.idleAfter),
  };
}

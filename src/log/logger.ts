// Logging: one pino logger for every line a worker prints. Each line is one JSON object on stderr:
// {"level":"info","time":"<ISO>","event":"worker.joined",...fields}. An event's level follows from
// its name (see levelOf), so call sites keep logging `log(event, fields)` as before.
import { pino } from "pino";

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
type EventLevel = Exclude<LogLevel, "silent">;

/** A structured log: an event name and its fields. */
export type EventLog = (event: string, fields?: Record<string, unknown>) => void;

const WARN_EVENTS = new Set([
  "worker.retry",
  "worker.stop-timeout",
  "worker.signal",
  "task.state-corrupt",
  "task.fenced",
  "task.aborted",
  "task.commit-ambiguous",
  "producer.replace",
  "task.record-too-large",
]);

/** The level of an event: `*.fatal`/`*.error`/`*.warn` by suffix, a few known warnings, else info. */
export function levelOf(event: string): EventLevel {
  if (event.endsWith(".fatal")) return "fatal";
  if (event.endsWith(".error") || event.endsWith("-failed") || event === "worker.consumer-crashed")
    return "error";
  if (event.endsWith(".warn") || WARN_EVENTS.has(event)) return "warn";
  if (event.endsWith(".debug")) return "debug";
  return "info";
}

export interface LoggerOptions {
  /** Lowest level written; default info. */
  readonly level?: LogLevel;
  /** Where the JSON lines go; default stderr (written synchronously: a process.exit loses nothing). */
  readonly destination?: NodeJS.WritableStream;
}

/** A logger writing JSON lines; `log(event, fields)` picks the level from the event name. */
export function createEventLog(options: LoggerOptions = {}): EventLog {
  const destination = options.destination ?? pino.destination({ dest: 2, sync: true });
  const logger = pino(
    {
      level: options.level ?? "info",
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
  return (event, fields = {}) => {
    logger[levelOf(event)]({ event, ...fields });
  };
}

// Kafka I/O stage: classifying kafkajs errors (which may wrap the broker's error several levels
// deep) into what the commit path needs to know: fenced, or anything else.

/** Every error type string found in `err` and what it wraps (originalError, cause, errors[]). */
export function errorTypes(err: unknown, depth = 0): string[] {
  if (err === null || typeof err !== "object" || depth > 5) return [];
  const e = err as {
    type?: unknown;
    name?: unknown;
    originalError?: unknown;
    cause?: unknown;
    errors?: unknown;
  };
  const own = [e.type, e.name].filter((t): t is string => typeof t === "string");
  const nested = [e.originalError, e.cause, ...(Array.isArray(e.errors) ? e.errors : [])];
  return [...own, ...nested.flatMap((n) => errorTypes(n, depth + 1))];
}

const FENCED = new Set([
  "INVALID_PRODUCER_EPOCH",
  "PRODUCER_FENCED",
  "TRANSACTIONAL_ID_AUTHORIZATION_FAILED",
  "INVALID_PRODUCER_ID_MAPPING",
  "KafkaJSPartialMessageError_INVALID_PRODUCER_EPOCH",
]);

/** True when another producer with the same transactional id took over (this one must stop). */
export function isFenced(err: unknown): boolean {
  return errorTypes(err).some((t) => FENCED.has(t));
}

/** Group errors after which a member must rejoin (kafkajs rejoins when eachBatch throws one). */
const REJOIN = new Set([
  "REBALANCE_IN_PROGRESS",
  "ILLEGAL_GENERATION",
  "NOT_COORDINATOR_FOR_GROUP",
  "UNKNOWN_MEMBER_ID",
]);

/** True when the group moved on (a rebalance started, or this member was expelled): rejoin, not a task failure. */
export function isRebalance(err: unknown): boolean {
  return errorTypes(err).some((t) => REJOIN.has(t));
}

/** A short one-line description for logs. */
export function describeError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const types = [...new Set(errorTypes(err))].filter((t) => t !== "Error" && t !== err.name);
  return `${err.name}: ${err.message}${types.length > 0 ? ` [${types.join(", ")}]` : ""}`;
}

/**
 * A problem of the deployment, not of the moment (a plan the worker refuses, input topics that are
 * not co-partitioned, internal topics with the wrong partition count): retrying cannot fix it, so
 * `vigil run` reports it and exits at once.
 */
export class WorkerConfigError extends Error {
  override readonly name = "WorkerConfigError";
}

/** True for an error no retry can fix (see WorkerConfigError). */
export function isConfigError(err: unknown): boolean {
  return err instanceof WorkerConfigError || /co-partitioned|wrong partition count/.test(String(err));
}

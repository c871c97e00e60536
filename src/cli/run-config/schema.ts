// CLI stage, `vigil run`: the schema of the --config file (zod). It validates the file (unknown
// keys and bad values are errors, reported as `file: key: problem`) and renders the reference table
// in docs/operations.md, so the documentation is this schema.
import { z } from "zod";

const SASL_MECHANISMS = ["plain", "scram-sha-256", "scram-sha-512"] as const;

const TlsFiles = z.strictObject({
  caFile: z.string().min(1).optional().describe("PEM file of a private CA"),
  certFile: z.string().min(1).optional().describe("client certificate (PEM)"),
  keyFile: z.string().min(1).optional().describe("client key (PEM)"),
  rejectUnauthorized: z.boolean().optional().describe("verify the broker's certificate (default true)"),
  servername: z.string().min(1).optional().describe("TLS server name, when it differs from the host"),
});

const Sasl = z.strictObject({
  mechanism: z.enum(SASL_MECHANISMS).describe("plain, scram-sha-256 or scram-sha-512"),
  username: z.string().min(1).describe("SASL user"),
  passwordEnv: z.string().min(1).optional().describe("environment variable holding the password"),
  passwordFile: z.string().min(1).optional().describe("file holding the password"),
});

const PARAM_VALUE = z.union([z.string(), z.number(), z.boolean()]);

/** How the worker creates an output or dead-letter topic (src/kafka/topics.ts SinkTopicSettings). */
const SinkTopic = z.strictObject({
  partitions: z.number().int().min(1).optional(),
  replicationFactor: z.number().int().min(1).optional(),
  retentionMs: z.number().int().min(-1).optional(),
  cleanupPolicy: z.enum(["delete", "compact", "compact,delete"]).optional(),
  config: z.record(z.string(), z.string()).optional(),
});

/** The keys of a `vigil run --config` file. Flags win over the environment, which wins over the file. */
export const RunConfigSchema = z.strictObject({
  brokers: z
    .union([z.string().min(1), z.array(z.string().min(1)).min(1)])
    .optional()
    .describe('bootstrap brokers: "host:port,..." or a list (flag --brokers, env KAFKA_BROKERS)'),
  group: z
    .string()
    .regex(/^[A-Za-z0-9._-]+$/, "may only use letters, digits, '.', '_' and '-'")
    .optional()
    .describe("consumer group, also the prefix of internal topics (flag --group, env VIGIL_GROUP)"),
  clientId: z.string().min(1).optional().describe("Kafka client id (flag --client-id; default vigil)"),
  tls: z
    .union([z.boolean(), TlsFiles])
    .optional()
    .describe(
      "true for TLS with the system CAs, or { caFile, certFile, keyFile, rejectUnauthorized, servername }",
    ),
  sasl: Sasl.optional().describe(
    "{ mechanism, username, passwordEnv | passwordFile }: the password is never written in the file",
  ),
  params: z
    .record(z.string(), PARAM_VALUE)
    .optional()
    .describe("rule parameter overrides by name, typed by their declaration (flag --param name=value)"),
  deadLetterTopic: z
    .string()
    .min(1)
    .optional()
    .describe("dead-letter topic (flag --dead-letter-topic; default <group>-dead-letters)"),
  sessionTimeoutMs: z
    .number()
    .int()
    .min(1000)
    .optional()
    .describe("consumer session timeout in ms, at least 1000 (flag --session-timeout; default 10000)"),
  fetchBytes: z
    .number()
    .int()
    .min(1024)
    .optional()
    .describe(
      "fetch size per partition in bytes, bounding each transaction (flag --fetch-bytes; default 1048576)",
    ),
  stateDir: z
    .string()
    .min(1)
    .optional()
    .describe("RocksDB state under <stateDir>/<group>/<task> (flag --state-dir, env VIGIL_STATE_DIR)"),
  stateCacheMb: z
    .number()
    .positive()
    .optional()
    .describe(
      "with stateDir: memory for each task's clean state cache in MB, the rest stays in RocksDB (flag --state-cache-mb, env VIGIL_STATE_CACHE_MB; default 64)",
    ),
  logLevel: z
    .enum(["fatal", "error", "warn", "info", "debug", "silent"])
    .optional()
    .describe("lowest level logged (flag --log-level; default info)"),
  topics: z
    .record(z.string(), SinkTopic)
    .optional()
    .describe(
      "output and dead-letter topics the worker creates, by name: { partitions, replicationFactor, retentionMs (default -1: keep), cleanupPolicy, config }",
    ),
  idleAfter: z
    .string()
    .regex(/^(\d+(ms|s|m|h|d))+$/, "expected a duration such as 30s, 5m or 1h30m")
    .refine((t) => /[1-9]/.test(t), "must be more than 0")
    .optional()
    .describe(
      "`idle after` of the streams that declare none: a partition quiet this long (wall clock) stops holding event time back (flag --idle-after, env VIGIL_IDLE_AFTER; default 60s)",
    ),
  statusIntervalMs: z
    .number()
    .int()
    .min(0)
    .optional()
    .describe("interval of the worker.status log line in ms, 0 for none (default 30000)"),
  purgeIntervalMs: z
    .number()
    .int()
    .min(100)
    .optional()
    .describe("how often committed repartition records are deleted, in ms (default 30000)"),
});

export type RunConfig = z.infer<typeof RunConfigSchema>;

function typeName(schema: z.ZodType): string {
  const def = schema._zod.def;
  switch (def.type) {
    case "optional":
      return typeName((def as z.core.$ZodOptionalDef).innerType as z.ZodType);
    case "union":
      return (def as z.core.$ZodUnionDef).options.map((o) => typeName(o as z.ZodType)).join(" | ");
    case "array":
      return `${typeName((def as z.core.$ZodArrayDef).element as z.ZodType)}[]`;
    case "record":
      return "object";
    case "enum":
      return Object.values((def as z.core.$ZodEnumDef).entries)
        .map((v) => JSON.stringify(v))
        .join(" | ");
    default:
      return def.type === "int" ? "integer" : def.type;
  }
}

const cell = (text: string): string => text.replaceAll("|", "\\|");

/** The markdown table of the config keys (docs/operations.md holds this text; a test compares them). */
export function configReference(): string {
  const rows = Object.entries(RunConfigSchema.shape).map(
    ([key, schema]) =>
      `| \`${key}\` | ${cell(typeName(schema as z.ZodType))} | ${cell(schema.description ?? "")} |`,
  );
  return ["| key | type | meaning |", "| --- | --- | --- |", ...rows].join("\n");
}

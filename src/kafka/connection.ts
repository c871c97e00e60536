// Kafka I/O stage: connection settings (brokers, client id, TLS, SASL PLAIN/SCRAM) from a config
// object or environment variables, validated with clear errors. Secrets are read from environment
// variables or files only, never accepted inline, and never appear in describeConnection().
import { readFileSync } from "node:fs";
import type { KafkaConfig, SASLOptions } from "kafkajs";

/** Settings as written in a config file or gathered from flags; every field is checked. */
export interface ConnectionSettings {
  /** `host:port` list, or one comma-separated string. */
  readonly brokers?: string | readonly string[];
  readonly clientId?: string;
  /** `true` for TLS with the system CAs, or files for a private CA / client certificate. */
  readonly tls?: boolean | TlsSettings;
  readonly sasl?: SaslSettings;
}

export interface TlsSettings {
  readonly caFile?: string;
  readonly certFile?: string;
  readonly keyFile?: string;
  readonly rejectUnauthorized?: boolean;
  readonly servername?: string;
}

export interface SaslSettings {
  readonly mechanism?: string;
  readonly username?: string;
  /** Name of the environment variable holding the password. */
  readonly passwordEnv?: string;
  /** File holding the password (one trailing newline is dropped). */
  readonly passwordFile?: string;
}

/** Validated settings; the password itself is held, but never printed. */
export interface Connection {
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly tls:
    | false
    | {
        readonly ca?: string;
        readonly cert?: string;
        readonly key?: string;
        readonly rejectUnauthorized: boolean;
        readonly servername?: string;
      };
  readonly sasl: null | {
    readonly mechanism: SaslMechanism;
    readonly username: string;
    readonly password: string;
    readonly source: string;
  };
}

export type SaslMechanism = "plain" | "scram-sha-256" | "scram-sha-512";
const MECHANISMS: readonly SaslMechanism[] = ["plain", "scram-sha-256", "scram-sha-512"];

/** Thrown with every problem found, one per line. */
export class ConnectionSettingsError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`invalid Kafka connection settings:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConnectionSettingsError";
    this.problems = problems;
  }
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Settings from environment variables: KAFKA_BROKERS (or VIGIL_KAFKA_BROKERS), VIGIL_KAFKA_CLIENT_ID,
 * VIGIL_KAFKA_TLS=1, VIGIL_KAFKA_TLS_CA_FILE / _CERT_FILE / _KEY_FILE, VIGIL_KAFKA_SASL_MECHANISM,
 * VIGIL_KAFKA_SASL_USERNAME, and the password in VIGIL_KAFKA_SASL_PASSWORD or VIGIL_KAFKA_SASL_PASSWORD_FILE.
 */
export function settingsFromEnv(env: Env = process.env): ConnectionSettings {
  const get = (name: string) => (env[name]?.trim() ? env[name]!.trim() : undefined);
  const brokers = get("VIGIL_KAFKA_BROKERS") ?? get("KAFKA_BROKERS");
  const tlsFiles = {
    caFile: get("VIGIL_KAFKA_TLS_CA_FILE"),
    certFile: get("VIGIL_KAFKA_TLS_CERT_FILE"),
    keyFile: get("VIGIL_KAFKA_TLS_KEY_FILE"),
  };
  const anyTlsFile = Object.values(tlsFiles).some((v) => v !== undefined);
  const tlsOn = get("VIGIL_KAFKA_TLS") === "1" || get("VIGIL_KAFKA_TLS") === "true" || anyTlsFile;
  const mechanism = get("VIGIL_KAFKA_SASL_MECHANISM");
  return {
    ...(brokers !== undefined ? { brokers } : {}),
    ...(get("VIGIL_KAFKA_CLIENT_ID") ? { clientId: get("VIGIL_KAFKA_CLIENT_ID")! } : {}),
    ...(tlsOn ? { tls: anyTlsFile ? dropUndefined(tlsFiles) : true } : {}),
    ...(mechanism !== undefined
      ? {
          sasl: dropUndefined({
            mechanism,
            username: get("VIGIL_KAFKA_SASL_USERNAME"),
            passwordEnv:
              env["VIGIL_KAFKA_SASL_PASSWORD"] !== undefined ? "VIGIL_KAFKA_SASL_PASSWORD" : undefined,
            passwordFile: get("VIGIL_KAFKA_SASL_PASSWORD_FILE"),
          }),
        }
      : {}),
  };
}

function dropUndefined<T extends object>(o: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as never;
}

/** Merges layers of settings: later layers win field by field (e.g. file < env < flags). */
export function mergeSettings(...layers: readonly ConnectionSettings[]): ConnectionSettings {
  return Object.assign({}, ...layers.map((l) => dropUndefined(l)));
}

function checkBrokers(raw: ConnectionSettings["brokers"], problems: string[]): string[] {
  if (raw === undefined) {
    problems.push("no brokers: pass --brokers host:port (or set KAFKA_BROKERS)");
    return [];
  }
  const list = (typeof raw === "string" ? raw.split(",") : [...raw])
    .map((b) => String(b).trim())
    .filter(Boolean);
  if (list.length === 0) problems.push("brokers is empty: expected host:port[,host:port...]");
  for (const b of list) {
    const m = /^(\[[^\]]+\]|[^:\s]+):(\d+)$/.exec(b);
    const port = m ? Number(m[2]) : 0;
    if (!m || port < 1 || port > 65535) problems.push(`broker '${b}' is not host:port (port 1-65535)`);
  }
  return list;
}

function readSecretFile(path: string, what: string, problems: string[]): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch (err) {
    problems.push(`cannot read ${what} file '${path}': ${(err as NodeJS.ErrnoException).code ?? "error"}`);
    return undefined;
  }
}

function checkTls(raw: ConnectionSettings["tls"], problems: string[]): Connection["tls"] {
  if (raw === undefined || raw === false) return false;
  if (raw === true) return { rejectUnauthorized: true };
  if (typeof raw !== "object") {
    problems.push("tls must be true, false or an object with caFile/certFile/keyFile");
    return false;
  }
  if ((raw.certFile === undefined) !== (raw.keyFile === undefined)) {
    problems.push("tls: certFile and keyFile go together (a client certificate needs its key)");
  }
  const ca = raw.caFile !== undefined ? readSecretFile(raw.caFile, "tls CA", problems) : undefined;
  const cert =
    raw.certFile !== undefined ? readSecretFile(raw.certFile, "tls certificate", problems) : undefined;
  const key = raw.keyFile !== undefined ? readSecretFile(raw.keyFile, "tls key", problems) : undefined;
  return {
    rejectUnauthorized: raw.rejectUnauthorized ?? true,
    ...dropUndefined({ ca, cert, key, servername: raw.servername }),
  };
}

function checkSasl(raw: ConnectionSettings["sasl"], env: Env, problems: string[]): Connection["sasl"] {
  if (raw === undefined) return null;
  if ("password" in (raw as object)) {
    problems.push(
      "sasl: an inline password is not accepted; use passwordEnv (a variable name) or passwordFile",
    );
  }
  const mechanism = raw.mechanism?.toLowerCase() as SaslMechanism | undefined;
  if (mechanism === undefined || !MECHANISMS.includes(mechanism)) {
    problems.push(`sasl: mechanism must be one of ${MECHANISMS.join(", ")} (got '${raw.mechanism ?? ""}')`);
  }
  if (!raw.username) problems.push("sasl: username is missing");
  let password: string | undefined;
  let source = "";
  if (raw.passwordEnv !== undefined && raw.passwordFile !== undefined) {
    problems.push("sasl: give passwordEnv or passwordFile, not both");
  } else if (raw.passwordEnv !== undefined) {
    password = env[raw.passwordEnv];
    source = `env ${raw.passwordEnv}`;
    if (password === undefined || password === "")
      problems.push(`sasl: environment variable ${raw.passwordEnv} is not set`);
  } else if (raw.passwordFile !== undefined) {
    password = readSecretFile(raw.passwordFile, "sasl password", problems)?.replace(/\r?\n$/, "");
    source = `file ${raw.passwordFile}`;
  } else {
    problems.push("sasl: no password source: set passwordEnv (a variable name) or passwordFile");
  }
  if (mechanism === undefined || !MECHANISMS.includes(mechanism) || !raw.username || password === undefined)
    return null;
  return { mechanism, username: raw.username, password, source };
}

/** Validates settings; throws ConnectionSettingsError listing every problem. */
export function resolveConnection(settings: ConnectionSettings, env: Env = process.env): Connection {
  const problems: string[] = [];
  const brokers = checkBrokers(settings.brokers, problems);
  const clientId = settings.clientId ?? "vigil";
  if (!/^[A-Za-z0-9._-]+$/.test(clientId))
    problems.push(`clientId '${clientId}' may only use letters, digits, '.', '_' and '-'`);
  const tls = checkTls(settings.tls, problems);
  const sasl = checkSasl(settings.sasl, env, problems);
  if (problems.length > 0) throw new ConnectionSettingsError(problems);
  return { brokers, clientId, tls, sasl };
}

/** One line for logs: brokers, client id, TLS on/off, SASL mechanism and user; never the password. */
export function describeConnection(c: Connection): string {
  const tls =
    c.tls === false ? "off" : `on${c.tls.ca ? " (private CA)" : ""}${c.tls.cert ? " (client cert)" : ""}`;
  const sasl =
    c.sasl === null ? "off" : `${c.sasl.mechanism} as ${c.sasl.username} (password from ${c.sasl.source})`;
  return `brokers=${c.brokers.join(",")} clientId=${c.clientId} tls=${tls} sasl=${sasl}`;
}

/** The kafkajs client config; `extra` adds client tuning (retry, logLevel, timeouts). */
export function kafkaClientConfig(c: Connection, extra: Partial<KafkaConfig> = {}): KafkaConfig {
  const sasl: SASLOptions | undefined =
    c.sasl === null
      ? undefined
      : ({
          mechanism: c.sasl.mechanism,
          username: c.sasl.username,
          password: c.sasl.password,
        } as SASLOptions);
  return {
    clientId: c.clientId,
    brokers: [...c.brokers],
    ...(c.tls === false ? {} : { ssl: { ...c.tls } }),
    ...(sasl ? { sasl } : {}),
    retry: { initialRetryTime: 5, retries: 10 },
    ...extra,
  };
}

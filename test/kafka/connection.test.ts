// Kafka I/O stage tests: connection settings are validated with every problem listed, secrets come
// from env or files only, and never appear in the description.
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import {
  ConnectionSettingsError,
  describeConnection,
  kafkaClientConfig,
  mergeSettings,
  resolveConnection,
  settingsFromEnv,
} from "../../src/kafka/connection.ts";

function problems(fn: () => unknown): readonly string[] {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ConnectionSettingsError, String(err));
    return err.problems;
  }
  assert.fail("expected a ConnectionSettingsError");
}

test("plain brokers: a list or a comma-separated string; clientId defaults to vigil", () => {
  const c = resolveConnection({ brokers: " a:9092, b:9093 " }, {});
  assert.deepEqual(c.brokers, ["a:9092", "b:9093"]);
  assert.equal(c.clientId, "vigil");
  assert.equal(c.tls, false);
  assert.equal(c.sasl, null);
  const config = kafkaClientConfig(c);
  assert.deepEqual(config.brokers, ["a:9092", "b:9093"]);
  assert.equal(config.ssl, undefined);
  assert.equal(config.sasl, undefined);
});

test("every problem is reported at once, each saying what to do", () => {
  const found = problems(() =>
    resolveConnection(
      { brokers: "nohost,h:0,h:99999", clientId: "bad id!", sasl: { mechanism: "gssapi" } },
      {},
    ),
  );
  assert.ok(found.some((p) => p.includes("'nohost' is not host:port")));
  assert.ok(found.some((p) => p.includes("'h:0'")));
  assert.ok(found.some((p) => p.includes("'h:99999'")));
  assert.ok(found.some((p) => p.includes("clientId 'bad id!'")));
  assert.ok(found.some((p) => p.includes("mechanism must be one of plain, scram-sha-256, scram-sha-512")));
  assert.ok(found.some((p) => p.includes("username is missing")));
  assert.ok(found.some((p) => p.includes("no password source")));
  assert.deepEqual(
    problems(() => resolveConnection({}, {})),
    ["no brokers: pass --brokers host:port (or set KAFKA_BROKERS)"],
  );
});

test("SASL password from an environment variable; never in the description", () => {
  const env = { MY_PW: "s3cret-pw" };
  const c = resolveConnection(
    { brokers: "k:9096", sasl: { mechanism: "SCRAM-SHA-512", username: "svc", passwordEnv: "MY_PW" } },
    env,
  );
  assert.deepEqual(kafkaClientConfig(c).sasl, {
    mechanism: "scram-sha-512",
    username: "svc",
    password: "s3cret-pw",
  });
  const text = describeConnection(c);
  assert.ok(text.includes("scram-sha-512 as svc (password from env MY_PW)"), text);
  assert.ok(!text.includes("s3cret-pw"));
  assert.ok(!JSON.stringify(c.sasl?.source).includes("s3cret"));
  assert.deepEqual(
    problems(() =>
      resolveConnection(
        { brokers: "k:1", sasl: { mechanism: "plain", username: "u", passwordEnv: "NOPE" } },
        {},
      ),
    ),
    ["sasl: environment variable NOPE is not set"],
  );
});

test("SASL password and TLS material from files; inline passwords refused", () => {
  const dir = mkdtempSync(join(tmpdir(), "vigil-conn-"));
  writeFileSync(join(dir, "pw"), "from-file\n");
  writeFileSync(join(dir, "ca.pem"), "CA PEM");
  const c = resolveConnection(
    {
      brokers: "k:9093",
      tls: { caFile: join(dir, "ca.pem") },
      sasl: { mechanism: "plain", username: "u", passwordFile: join(dir, "pw") },
    },
    {},
  );
  const config = kafkaClientConfig(c);
  assert.deepEqual(config.ssl, { rejectUnauthorized: true, ca: "CA PEM" });
  assert.equal((config.sasl as { password: string }).password, "from-file");
  assert.ok(!describeConnection(c).includes("from-file"));
  const inline = { mechanism: "plain", username: "u", password: "oops" } as never;
  assert.ok(
    problems(() => resolveConnection({ brokers: "k:1", sasl: inline }, {})).some((p) =>
      p.includes("inline password is not accepted"),
    ),
  );
  const missing = problems(() =>
    resolveConnection({ brokers: "k:1", tls: { certFile: join(dir, "nope.pem") } }, {}),
  );
  assert.ok(missing.some((p) => p.includes("certFile and keyFile go together")));
  assert.ok(missing.some((p) => p.includes("cannot read tls certificate file") && p.includes("ENOENT")));
});

test("settings from environment variables, merged under explicit settings", () => {
  const env = {
    KAFKA_BROKERS: "e:1",
    VIGIL_KAFKA_TLS: "1",
    VIGIL_KAFKA_SASL_MECHANISM: "plain",
    VIGIL_KAFKA_SASL_USERNAME: "envuser",
    VIGIL_KAFKA_SASL_PASSWORD: "envpw",
  };
  const fromEnv = settingsFromEnv(env);
  assert.deepEqual(fromEnv, {
    brokers: "e:1",
    tls: true,
    sasl: { mechanism: "plain", username: "envuser", passwordEnv: "VIGIL_KAFKA_SASL_PASSWORD" },
  });
  const c = resolveConnection(mergeSettings(fromEnv, { brokers: "flag:2", clientId: "w1" }), env);
  assert.deepEqual(c.brokers, ["flag:2"]);
  assert.equal(c.clientId, "w1");
  assert.equal(c.sasl?.password, "envpw");
  assert.deepEqual(kafkaClientConfig(c).ssl, { rejectUnauthorized: true });
});

// `vigil run --config`: the file is checked by its schema before anything connects. Bad JSON, a
// missing file, unknown keys and bad values are each reported as `file: key: problem` (exit 2), a
// bad value in the file is never blamed on a flag, and docs/operations.md holds the schema's table.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { ConfigFileError, readRunConfig } from "../../src/cli/run-config/read-config.ts";
import { configReference } from "../../src/cli/run-config/schema.ts";
import { runSettings } from "../../src/cli/run-config/settings.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "vigil-config-"));

function problems(text: string | null, name = "cfg.json"): string[] {
  const path = join(dir, name);
  if (text !== null) writeFileSync(path, text);
  try {
    readRunConfig(path);
    return [];
  } catch (e) {
    assert.ok(e instanceof ConfigFileError, String(e));
    return e.problems.map((p) => p.replace(`${dir}/`, ""));
  }
}

test("bad JSON names the file, line and column", () => {
  assert.deepEqual(problems('{\n  "brokers": "a:1",\n  group: "g"\n}'), [
    "cfg.json: line 3, column 3: not valid JSON: Expected double-quoted property name",
  ]);
});

test("a missing file is named, not a raw ENOENT", () => {
  assert.deepEqual(problems(null, "absent.json"), [
    "absent.json: cannot read config file: no such file or directory",
  ]);
});

test("unknown keys are errors with a did-you-mean; every problem names its key", () => {
  const got = problems(
    JSON.stringify({
      brokerz: "a:1",
      group: "bad group",
      sessionTimeoutMs: "10s",
      fetchBytes: 10,
      tls: { caFile: 3 },
      sasl: { mechanism: "md5", username: "u", pasword: "x" },
      params: { limit: [1] },
    }),
  );
  assert.deepEqual(got.sort(), [
    "cfg.json: brokerz: unknown key (did you mean brokers?)",
    "cfg.json: fetchBytes: Too small: expected number to be >=1024",
    "cfg.json: group: may only use letters, digits, '.', '_' and '-'",
    "cfg.json: params.limit: invalid input",
    'cfg.json: sasl.mechanism: expected one of "plain"|"scram-sha-256"|"scram-sha-512"',
    "cfg.json: sasl.pasword: unknown key",
    "cfg.json: sessionTimeoutMs: expected number, received string",
    "cfg.json: tls.caFile: expected string, received number",
  ]);
  assert.deepEqual(problems("[1, 2]"), ["cfg.json: (top level): expected object, received array"]);
});

test("a good file is read; flags win over it, and its values are the file's", () => {
  const path = join(dir, "good.json");
  writeFileSync(
    path,
    JSON.stringify({
      brokers: ["a:1"],
      group: "g1",
      sessionTimeoutMs: 4000,
      stateDir: "/s",
      fetchBytes: 4096,
    }),
  );
  const s = runSettings({ config: path, group: "g2" }, {});
  assert.deepEqual(s.connection.brokers, ["a:1"]);
  assert.equal(s.group, "g2");
  assert.equal(s.timeout, 4000);
  assert.equal(s.stateDir, "/s");
  assert.equal(s.fetchBytes, 4096);
  assert.equal(s.logLevel, "info");
});

test("vigil run with a bad config exits 2 before connecting, with file: key: problem", () => {
  const path = join(dir, "run.json");
  writeFileSync(path, JSON.stringify({ brokers: "127.0.0.1:1", group: "g", sessionTimeoutMs: 5 }));
  const r = spawnSync(
    process.execPath,
    ["bin/vigil.mjs", "run", "dsl/lib/fraud/card_testing.vigil", `--config=${path}`],
    { cwd: ROOT, encoding: "utf8" },
  );
  assert.equal(r.status, 2, r.stderr);
  assert.equal(r.stderr.trim(), `${path}: sessionTimeoutMs: Too small: expected number to be >=1000`);
});

test("docs/operations.md documents the config with the schema's own table", () => {
  const doc = readFileSync(join(ROOT, "docs/operations.md"), "utf8");
  assert.ok(doc.includes(configReference()), "docs/operations.md lacks the table from configReference()");
});

test("topic settings per sink, the status and purge intervals: checked by key, handed to the worker", () => {
  const got = problems(
    JSON.stringify({
      topics: { alerts: { retentionMs: "7d", cleanupPolicy: "forever", partitons: 3 } },
      statusIntervalMs: -1,
    }),
  );
  assert.deepEqual(got.sort(), [
    "cfg.json: statusIntervalMs: Too small: expected number to be >=0",
    'cfg.json: topics.alerts.cleanupPolicy: expected one of "delete"|"compact"|"compact,delete"',
    "cfg.json: topics.alerts.partitons: unknown key",
    "cfg.json: topics.alerts.retentionMs: expected number, received string",
  ]);
  const path = join(dir, "topics.json");
  const topics = {
    alerts: { retentionMs: 604_800_000, partitions: 12, config: { "segment.ms": "3600000" } },
  };
  writeFileSync(path, JSON.stringify({ brokers: "k:9092", group: "g", topics, statusIntervalMs: 5000 }));
  const settings = runSettings({ config: path }, {});
  assert.deepEqual(settings.sinkTopics, topics);
  assert.equal(settings.statusIntervalMs, 5000);
  assert.equal(settings.purgeIntervalMs, undefined);
});

test("idle after: the flag wins over VIGIL_IDLE_AFTER, which wins over the file's idleAfter", () => {
  const path = join(dir, "idle.json");
  writeFileSync(path, JSON.stringify({ brokers: "a:1", group: "g", idleAfter: "2m" }));
  assert.equal(runSettings({ config: path }, {}).idleAfterMs, 120_000);
  assert.equal(runSettings({ config: path }, { VIGIL_IDLE_AFTER: "1h30m" }).idleAfterMs, 5_400_000);
  assert.equal(
    runSettings({ config: path, idleAfter: 5_000 }, { VIGIL_IDLE_AFTER: "1h" }).idleAfterMs,
    5_000,
  );
  assert.equal(runSettings({ brokers: "a:1", group: "g" }, {}).idleAfterMs, undefined);
  assert.throws(
    () => runSettings({ brokers: "a:1", group: "g" }, { VIGIL_IDLE_AFTER: "soon" }),
    /idle after: 'soon' is not a duration.*VIGIL_IDLE_AFTER/,
  );
  assert.deepEqual(problems(JSON.stringify({ idleAfter: "60" })), [
    "cfg.json: idleAfter: expected a duration such as 30s, 5m or 1h30m",
  ]);
  assert.deepEqual(problems(JSON.stringify({ idleAfter: "0s" })), [
    "cfg.json: idleAfter: must be more than 0",
  ]);
});

test("vigil run --idle-after takes a duration; anything else is a usage error (exit 2)", () => {
  const r = spawnSync(
    process.execPath,
    [
      "bin/vigil.mjs",
      "run",
      "dsl/lib/fraud/card_testing.vigil",
      "--brokers=127.0.0.1:1",
      "--group=g",
      "--idle-after=60",
    ],
    { cwd: ROOT, encoding: "utf8" },
  );
  assert.equal(r.status, 2, r.stderr);
  assert.match(
    r.stderr,
    /--idle-after <duration>' argument '60' is invalid\. expected a duration such as 30s/,
  );
});

// `vigil run` logs: every line a worker prints is one JSON object with a level (pino), kafkajs's
// messages included, the broker-failure line too; --log-level filters.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { kafkaTest, testKafka, uniqueName } from "../support/kafka-env.ts";
import { createInputTopic, produceRows } from "../support/worker-fixture.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const LEVELS = new Set(["fatal", "error", "warn", "info", "debug"]);

/** Parses every stderr line as JSON with a level, time and event; fails on the first that is not. */
function jsonLines(stderr: string): Record<string, unknown>[] {
  const lines = stderr.split("\n").filter((l) => l !== "");
  assert.ok(lines.length > 0, "the worker printed nothing");
  return lines.map((line) => {
    let v: Record<string, unknown>;
    try {
      v = JSON.parse(line) as Record<string, unknown>;
    } catch {
      assert.fail(`not a JSON line: ${line}`);
    }
    assert.ok(LEVELS.has(String(v["level"])), `no level: ${line}`);
    assert.equal(typeof v["event"], "string", line);
    assert.ok(!Number.isNaN(Date.parse(String(v["time"]))), line);
    return v;
  });
}

test("an unreachable broker: every line is JSON, kafkajs's errors and the failure included", () => {
  const r = spawnSync(
    process.execPath,
    ["bin/vigil.mjs", "run", "dsl/lib/fraud/card_testing.vigil", "--brokers=127.0.0.1:1", "--group=g"],
    { cwd: ROOT, encoding: "utf8", timeout: 120_000 },
  );
  assert.equal(r.status, 1, r.stderr);
  assert.equal(r.stdout, "");
  const events = jsonLines(r.stderr);
  assert.ok(events.some((e) => e["event"] === "kafka.error" && e["level"] === "error"));
  const failed = events.find((e) => e["event"] === "worker.start-failed");
  assert.ok(failed, "no worker.start-failed line");
  assert.equal(failed["level"], "error");
  assert.match(String(failed["error"]), /Connection|ECONNREFUSED|connect/i);
});

kafkaTest(
  "a worker's run, start to SIGTERM: every line is JSON; --log-level warn drops the info lines",
  async (brokers) => {
    const kafka = testKafka(brokers);
    const topic = uniqueName("logs-in");
    await createInputTopic(kafka, topic, 1);
    await produceRows(kafka, topic, [{ card: "c1", amount: 1, ts: 1_000 }], 1);
    const dir = mkdtempSync(join(tmpdir(), "vigil-logs-"));
    const rules = join(dir, "r.vigil");
    writeFileSync(
      rules,
      `stream payments from topic "${topic}"
  key card
  format json
  schema { card: string, amount: float, ts: timestamp }
  event time ts, lateness 1s

rule big
  from payments
  where amount > 0
  emit to "${uniqueName("logs-out")}" { card, amount }
`,
    );
    const admin = kafka.admin();
    await admin.connect();
    /** True once `group` committed the input record (the worker's transaction is done). */
    const committed = async (group: string): Promise<boolean> => {
      const offsets = await admin.fetchOffsets({ groupId: group, topics: [topic] });
      return offsets.some((t) => t.partitions.some((p) => Number(p.offset) >= 1));
    };
    /** Runs a worker until it committed the record, then sends one SIGTERM; resolves to its stderr. */
    const runWorker = (...extra: string[]) =>
      new Promise<string>((ok) => {
        const group = uniqueName("g");
        const args = ["bin/vigil.mjs", "run", rules, `--brokers=${brokers.join(",")}`, `--group=${group}`];
        const child = spawn(process.execPath, [...args, ...extra], { cwd: ROOT });
        let stderr = "";
        let stopped = false;
        child.stderr.on("data", (d) => {
          stderr += d;
        });
        const poll = setInterval(() => {
          void committed(group).then((done) => {
            if (!done || child.signalCode !== null || stopped) return;
            stopped = true;
            clearInterval(poll);
            child.kill("SIGTERM"); // once: a second signal exits at once
          });
        }, 250);
        child.on("exit", () => {
          clearInterval(poll);
          ok(stderr);
        });
      });
    const events = jsonLines(await runWorker());
    for (const name of [
      "worker.starting",
      "worker.joined",
      "task.committed",
      "worker.signal",
      "worker.stopped",
    ])
      assert.ok(
        events.some((e) => e["event"] === name),
        name,
      );
    const quiet = await runWorker("--log-level", "warn");
    await admin.disconnect();
    const quietEvents = jsonLines(quiet);
    assert.ok(
      quietEvents.every((e) => e["level"] !== "info"),
      quiet,
    );
    assert.ok(
      quietEvents.some((e) => e["event"] === "worker.signal" && e["level"] === "warn"),
      quiet,
    );
  },
  { timeout: 180_000 },
);

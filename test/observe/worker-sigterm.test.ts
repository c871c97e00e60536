// Observe tests (issue 17): `vigil run --http` as a real process: /readyz turns ready once the tasks
// run, and after SIGTERM answers not ready (phase stopping) while the worker drains, before it exits 0.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { kafkaTest, testKafka, uniqueName } from "../support/kafka-env.ts";
import { createInputTopic, produceRows } from "../support/worker-fixture.ts";
import { getText, rows, sleep, writeProgram } from "./support.ts";

const VIGIL = fileURLToPath(new URL("../../bin/vigil.mjs", import.meta.url));
const PARTITIONS = 2;

type Probe = { status: number; ready: boolean; phase: string } | { status: "down" };

async function readyz(url: string): Promise<Probe> {
  try {
    const r = await getText(`${url}/readyz`);
    const body = JSON.parse(r.text) as { ready: boolean; phase: string };
    return { status: r.status, ready: body.ready, phase: body.phase };
  } catch {
    return { status: "down" };
  }
}

kafkaTest(
  "/readyz is true while the worker runs and false after SIGTERM, before the process exits",
  async (brokers) => {
    const kafka = testKafka(brokers);
    const program = writeProgram();
    await createInputTopic(kafka, program.input, PARTITIONS);
    await produceRows(kafka, program.input, rows(400, 50), PARTITIONS);
    const group = uniqueName("obs-sigterm");
    const args = [VIGIL, "run", program.file, "--brokers", brokers.join(","), "--group", group];
    const child = spawn(process.execPath, [...args, "--http", "127.0.0.1:0", "--session-timeout", "30000"], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((ok) => child.on("exit", (code) => ok(code)));
    try {
      let url = "";
      for (let i = 0; i < 1200 && url === ""; i++) {
        url = /"event":"http.listening","url":"([^"]+)"/.exec(stderr)?.[1] ?? "";
        await sleep(50);
      }
      assert.ok(url, `no http.listening line: ${stderr.slice(-2000)}`);
      let before: Probe = { status: "down" };
      for (let i = 0; i < 1200; i++) {
        before = await readyz(url);
        if ("ready" in before && before.ready && stderr.includes('"event":"task.committed"')) break;
        await sleep(50);
      }
      assert.deepEqual(before, { status: 200, ready: true, phase: "running" }, stderr.slice(-2000));

      child.kill("SIGTERM");
      const after: Probe[] = [];
      for (let i = 0; i < 4000; i++) {
        const p = await readyz(url);
        after.push(p);
        if (p.status === "down") break;
      }
      const code = await exited;
      assert.equal(code, 0, stderr.slice(-2000));
      // Answers may still be "ready" until the child has handled the signal; after the first "not
      // ready", every answer until the endpoint closes must be "not ready".
      const answers = after.flatMap((p) =>
        p.status === "down" ? [] : [`${p.status} ${p.ready} ${p.phase}`],
      );
      const first = answers.indexOf("503 false stopping");
      assert.ok(first >= 0, `not ready after SIGTERM, while draining: ${answers.join(", ")}`);
      assert.deepEqual([...new Set(answers.slice(first))], ["503 false stopping"]);
      assert.deepEqual(
        [...new Set(answers.slice(0, first))].filter((a) => a !== "200 true running"),
        [],
      );
      assert.ok(stderr.indexOf('"event":"worker.signal"') < stderr.indexOf('"event":"worker.stopped"'));
    } finally {
      child.kill("SIGKILL");
    }
  },
  { timeout: 180_000 },
);

// `vigil replay` at scale: a 1 GB generated input replays in bounded memory (the input is
// streamed: peak RSS stays far below the file's size), and the report over 100k alerts costs
// linear time (compared with 10k alerts, with a very generous factor; never an absolute time).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { alertSample, deadLetterLines, uniqueDeadLetters } from "../../src/cli/replay/report.ts";
import type { DeadLetter, OutputRecord } from "../../src/core/record.ts";
import type { RulePlan } from "../../src/plan/plan.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const GB = 1 << 30;

test("a 1 GB input replays in bounded memory", { timeout: 900_000 }, (t) => {
  const dir = mkdtempSync(join(tmpdir(), "vigil-replay-1gb-"));
  try {
    mkdirSync(join(dir, "data"));
    const rules = join(dir, "rules.vigil");
    const schema = "{ card: string, amount: float, ts: timestamp }";
    const rule = 'rule big\n  from payments\n  where amount > 999\n  emit to "alerts" { card, amount }\n';
    writeRules(
      rules,
      `stream payments from topic "payments"\n  key card\n  format json\n  schema ${schema}\n  event time ts, lateness 1s\n\n${rule}`,
    );
    // ~1 KB lines (an ignored padding field), one in 1000 over the threshold.
    const pad = "x".repeat(960);
    const fd = openSync(join(dir, "data", "payments.jsonl"), "w");
    let bytes = 0;
    let n = 0;
    while (bytes < GB) {
      const chunk: string[] = [];
      for (let i = 0; i < 4096; i++, n++)
        chunk.push(
          `{"card":"c${n % 5000}","amount":${n % 1000 === 0 ? 5000 : n % 900},"ts":${1_700_000_000_000 + n},"pad":"${pad}"}`,
        );
      const text = `${chunk.join("\n")}\n`;
      bytes += writeSync(fd, text);
    }
    closeSync(fd);
    const r = spawnSync(
      process.execPath,
      [
        "--import",
        "tsx",
        "--import",
        join(ROOT, "test/cli/fixtures/report-peak-rss.mjs"),
        join(ROOT, "src/cli/main.ts"),
        "replay",
        rules,
        "--data",
        join(dir, "data"),
        "--sample",
        "0",
      ],
      { cwd: ROOT, encoding: "utf8", timeout: 880_000, maxBuffer: 1 << 24 },
    );
    assert.equal(r.status, 0, r.stderr);
    assert.ok(
      r.stdout.includes(`${n.toLocaleString("en-US")} records in, ${Math.ceil(n / 1000)} alerts`),
      r.stdout,
    );
    const peakKb = Number(/peak-rss-kb (\d+)/.exec(r.stderr)?.[1]);
    assert.ok(peakKb > 0, r.stderr);
    t.diagnostic(
      `peak RSS ${Math.round(peakKb / 1024)} MB for ${n} records, ${Math.round(bytes / (1 << 20))} MB`,
    );
    // Reading the file whole would need more than its size; streamed, it stays near the runtime's own.
    assert.ok(
      peakKb * 1024 < 600 * (1 << 20),
      `peak RSS ${Math.round(peakKb / 1024)} MB for a ${Math.round(bytes / (1 << 20))} MB input`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

function writeRules(path: string, text: string): void {
  const fd = openSync(path, "w");
  writeSync(fd, text);
  closeSync(fd);
}

const RULES = ["r1", "r2", "r3"].map(
  (name) => ({ name, sink: { outputSchema: undefined } }) as unknown as RulePlan,
);

function alerts(n: number): OutputRecord[] {
  return Array.from({ length: n }, (_, i) => ({
    topic: "alerts",
    rule: `r${1 + (i % 3)}`,
    key: `k${i % 97}`,
    value: { amount: i },
    timestamp: i,
  })) as unknown as OutputRecord[];
}

function letters(n: number): DeadLetter[] {
  return Array.from({ length: n }, (_, i) => ({
    reason: i % 2 === 0 ? "decode-error" : "schema-mismatch",
    message: "bad",
    rule: null,
    origin: { topic: "payments", partition: 0, offset: i },
    raw: "",
    timestamp: i,
  })) as unknown as DeadLetter[];
}

/** The fastest of a few runs of the report over n alerts and n dead letters, in ms. */
function reportTime(n: number): number {
  const a = alerts(n);
  const d = letters(n);
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < 3; round++) {
    const t0 = performance.now();
    alertSample(a, RULES, 12);
    deadLetterLines(uniqueDeadLetters(d));
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

test("the report over 100k alerts and dead letters costs linear time", () => {
  reportTime(10_000); // warm up
  const small = reportTime(10_000);
  const large = reportTime(100_000);
  // Linear: about 10x. Quadratic (a copy of the list per alert) would be about 100x.
  assert.ok(large < 40 * Math.max(small, 0.5), `10k: ${small.toFixed(1)} ms, 100k: ${large.toFixed(1)} ms`);
});

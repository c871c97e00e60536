// `vigil replay` as a tool for rule authors: --out is checked before the run and `-` is stdout,
// --format jsonl|csv, --dead-letters with file lines, --json for CI, warnings for a stream with no
// file or --data naming a file (exit 1 with --strict), a non-UTF-8 data file reported as V1019,
// precision "-" for a rule with no labels, dead letters once each, offsets as file line numbers.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { progressLine } from "../../src/cli/replay/progress.ts";
import { uniqueDeadLetters } from "../../src/cli/replay/report.ts";
import type { DeadLetter } from "../../src/core/record.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "vigil-replay-tool-"));
const data = join(dir, "data");
mkdirSync(data);
const rules = join(dir, "rules.vigil");
writeFileSync(
  rules,
  `stream payments from topic "payments"
  key card
  format json
  schema { card: string, amount: float, ts: timestamp }
  event time ts, lateness 1s

stream logins from topic "logins"
  key card
  format json
  schema { card: string, ts: timestamp }

rule big
  from payments
  where amount > 100
  emit to "alerts" { card, amount, note: "a, \\"quoted\\" note" }

rule any_login
  from logins
  emit to "logins-seen" { card }
`,
);
const lines = [
  { card: "c1", amount: 5, ts: 1_000 },
  { card: "c2", amount: 500, ts: 2_000 },
  "{not json",
  { card: "c1", amount: 150, ts: 3_000 },
  { card: "c3", amount: "lots", ts: 4_000 },
];
writeFileSync(
  join(data, "payments.jsonl"),
  `${lines.map((l) => (typeof l === "string" ? l : JSON.stringify(l))).join("\n")}\n\n`,
);
writeFileSync(
  join(data, "labels.jsonl"),
  `${JSON.stringify({ scenario: "big", key: "c2", start: 2_000, end: 2_000 })}\n`,
);

function replay(...args: string[]) {
  const r = spawnSync(process.execPath, ["bin/vigil.mjs", "replay", rules, "--data", data, ...args], {
    cwd: ROOT,
    encoding: "utf8",
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test("--out to a path that cannot be written fails before the run", () => {
  const r = replay("--out", "/nonexistent/x.jsonl");
  assert.equal(r.code, 1);
  assert.match(r.stderr, /cannot write --out \/nonexistent\/x\.jsonl: no such file or directory/);
  assert.doesNotMatch(r.stdout + r.stderr, /Replaying|\n\s+at /);
});

test("--out - writes the alerts to stdout and the report to stderr; the same as --out FILE", () => {
  const file = join(dir, "alerts.jsonl");
  const toFile = replay("--out", file);
  assert.equal(toFile.code, 0, toFile.stderr);
  const toStdout = replay("--out", "-");
  assert.equal(toStdout.code, 0, toStdout.stderr);
  assert.equal(toStdout.stdout, readFileSync(file, "utf8"));
  assert.equal(toStdout.stdout.trim().split("\n").length, 2);
  assert.match(toStdout.stderr, /Done in [\d.]+s: 5 records in, 2 alerts\.\n$/);
});

test("--format csv: a header, one quoted row per alert", () => {
  const r = replay("--out", "-", "--format=csv");
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.stdout.trim().split("\n"), [
    "timestamp,topic,rule,key,card,amount,note",
    '2000,alerts,big,c2,c2,500,"a, ""quoted"" note"',
    '3000,alerts,big,c1,c1,150,"a, ""quoted"" note"',
  ]);
});

test("dead letters: once each, shown and written with their file line; Done is the last line", () => {
  const file = join(dir, "dead.jsonl");
  const r = replay("--dead-letters", file);
  assert.equal(r.code, 0, r.stderr);
  const paymentsFile = join(data, "payments.jsonl");
  assert.match(r.stdout, /Dead letters: 2 \(decode-error 1, schema-mismatch 1\)/);
  assert.ok(r.stdout.includes(`decode-error: ${paymentsFile}:3: invalid JSON`), r.stdout);
  assert.ok(r.stdout.includes(`schema-mismatch: ${paymentsFile}:5: field amount`), r.stdout);
  const letters = readFileSync(file, "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.deepEqual(
    letters.map((d) => [d["reason"], d["file"], d["line"], d["offset"]]),
    [
      ["decode-error", paymentsFile, 3, 2],
      ["schema-mismatch", paymentsFile, 5, 4],
    ],
  );
  assert.match(r.stdout, /\nDone in [\d.]+s: 5 records in, 2 alerts\.\n$/);
});

test("the same dead letter from two task groups counts once", () => {
  const letter: DeadLetter = {
    reason: "decode-error",
    message: "invalid JSON",
    rule: null,
    origin: { topic: "payments", partition: 0, offset: 2 },
    raw: "{not json",
    timestamp: 0,
  } as DeadLetter;
  const other = { ...letter, origin: { ...letter.origin, offset: 3 } } as DeadLetter;
  assert.deepEqual(uniqueDeadLetters([letter, { ...letter }, other, { ...other }]), [letter, other]);
});

test("precision is '-' for a rule with no labels, a percentage for a labelled one", () => {
  const r = replay();
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /\n {2}big\s+2\s+1\s+50\.0%\s+1\s+1\s+100\.0%\n/);
  assert.match(r.stdout, /\n {2}any_login\s+0\s+0\s+-\s+0\s+0\s+-\n/);
});

test("a stream with no input file warns (exit 1 with --strict); so does --data naming a file", () => {
  const r = replay();
  assert.equal(r.code, 0);
  assert.match(
    r.stderr,
    /warning: stream logins has no input file \(looked for logins\.jsonl and logins\.jsonl in .*\): it reads nothing/,
  );
  const strict = replay("--strict");
  assert.equal(strict.code, 1);
  assert.match(strict.stderr, /--strict/);
  const onFile = spawnSync(
    process.execPath,
    ["bin/vigil.mjs", "replay", rules, "--data", join(data, "payments.jsonl"), "--strict"],
    { cwd: ROOT, encoding: "utf8" },
  );
  assert.equal(onFile.status, 1);
  assert.match(onFile.stderr, /--data .*payments\.jsonl is a file, not a folder/);
});

test("--json prints the summary as one JSON object", () => {
  const r = replay("--json");
  assert.equal(r.code, 0, r.stderr);
  const s = JSON.parse(r.stdout) as Record<string, unknown>;
  assert.equal(s["alerts"], 2);
  assert.equal(s["recordsIn"], 5);
  assert.deepEqual(s["deadLetters"], { total: 2, byReason: { "decode-error": 1, "schema-mismatch": 1 } });
  assert.deepEqual(
    (s["rules"] as { rule: string; precision: number | null }[]).map((x) => [x.rule, x.precision]),
    [
      ["big", 0.5],
      ["any_login", null],
    ],
  );
  assert.equal((s["warnings"] as string[]).length, 1);
});

test("a data file that is not UTF-8 text is one V1019 error, exit 1", () => {
  const bad = join(dir, "bad");
  mkdirSync(bad);
  writeFileSync(
    join(bad, "payments.jsonl"),
    Buffer.concat([
      Buffer.from('{"card":"c1","amount":1,"ts":1}\n{"card":"'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('"}\n'),
    ]),
  );
  const r = spawnSync(process.execPath, ["bin/vigil.mjs", "replay", rules, "--data", bad], {
    cwd: ROOT,
    encoding: "utf8",
  });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /payments\.jsonl:2:10: error\[V1019\]: not a text file: it is not valid UTF-8/);
  assert.doesNotMatch(r.stdout, /decode-error/);
});

test("the progress line shows records read, the share of the input, the rate and the event time", () => {
  const file = { name: "payments", topic: "payments", path: "p.jsonl", done: false };
  const line = progressLine(
    [
      {
        ...file,
        records: 3_000_000,
        bytesRead: 300 << 20,
        size: 1200 << 20,
        eventTime: Date.UTC(2026, 2, 2, 0, 4, 44),
      },
      {
        ...file,
        name: "cards",
        records: 1_000_000,
        bytesRead: 100 << 20,
        size: 100 << 20,
        eventTime: Date.UTC(2026, 2, 3),
      },
    ],
    8,
  );
  assert.equal(
    line,
    "replay: 4,000,000 records read (30% of 1.3 GB), 500,000 records/s, event time 2026-03-02T00:04:44Z, 8.0s",
  );
});

// Tests for `vigil replay` end to end: the fraud rules over a small generated dataset print alerts, a
// per-rule summary with precision and recall, and dead letters; bad usage and missing data fail cleanly.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { test } from "node:test";
import { generateInto } from "../../examples/fraud/generate.ts";

const dir = mkdtempSync(join(tmpdir(), "vigil-replay-"));
const data = join(dir, "data");
generateInto(data, {
  seed: 3,
  customers: 150,
  days: 2,
  start: Date.UTC(2026, 0, 5),
  fraudRate: 4,
  brokenLines: 2,
  evasiveShare: 0.1,
  lookalikeRate: 0.6,
});

function replay(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ["--import", "tsx", "src/cli/main.ts", "replay", ...args], {
    encoding: "utf8",
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test("replay runs the fraud rules and scores them against the labels", () => {
  const out = join(dir, "alerts.jsonl");
  const r = replay("examples/fraud/rules.vigil", "--data", data, "--partitions", "2", "--out", out);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Replaying 11 rules over .* \(2 partitions, embedded, no Kafka\)/);
  assert.match(r.stdout, /Sample alerts \(\d+ of \d+/);
  assert.match(r.stdout, /Per-rule summary against \d+ labels/);
  assert.match(r.stdout, /rule\s+alerts\s+true pos\s+precision\s+incidents\s+detected\s+recall/);
  for (const name of ["velocity_1h", "card_testing", "mule_chain", "structuring"]) {
    assert.match(r.stdout, new RegExp(`\\n  ${name}\\s+\\d+\\s+\\d+\\s+(?:[\\d.]+%|-)`), name);
  }
  assert.match(r.stdout, /Dead letters: \d+ \(.*decode-error 2.*\)/);
  assert.equal(r.stderr, "");
});

test("replay: bad usage exits 2, missing data exits 1, broken rules print diagnostics", () => {
  assert.equal(replay().code, 2);
  assert.equal(replay("examples/fraud/rules.vigil").code, 2);
  assert.equal(replay("examples/fraud/rules.vigil", "--data", data, "--partitions", "0").code, 2);
  const missing = replay("examples/fraud/rules.vigil", "--data", join(dir, "nope"));
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /data directory .*nope does not exist/);
  const broken = replay(join(dir, "missing.vigil"), "--data", data);
  assert.equal(broken.code, 1);
  assert.match(broken.stderr, /cannot read rules file .*missing\.vigil: no such file or directory/);
});

test("the per-rule summary is the same for 1 and 3 partitions", () => {
  const summary = (n: string): string => {
    const r = replay("examples/fraud/rules.vigil", "--data", data, "--partitions", n, "--sample", "0");
    assert.equal(r.code, 0, r.stderr);
    return r.stdout.slice(r.stdout.indexOf("Per-rule summary"), r.stdout.indexOf("Dead letters"));
  };
  assert.equal(summary("3"), summary("1"));
});

test("an example directory without data/ is generated first by its generate.ts", () => {
  const example = join(dir, "example");
  mkdirSync(example);
  writeFileSync(
    join(example, "rules.vigil"),
    `include "${resolve("dsl/lib/fraud/card_testing.vigil")}"\ninclude "${resolve("dsl/lib/fraud/mule_chain.vigil")}"\n`,
  );
  writeFileSync(
    join(example, "generate.ts"),
    [
      `import { generateInto as full } from ${JSON.stringify(resolve("examples/fraud/generate.ts"))};`,
      "export function generateInto(dir: string): string {",
      "  return full(dir, { seed: 5, customers: 120, days: 2, start: Date.UTC(2026, 0, 5), fraudRate: 5,",
      "    brokenLines: 0, evasiveShare: 0, lookalikeRate: 0 });",
      "}",
    ].join("\n"),
  );
  const r = replay(example);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /Generating example data \(first run\): 120 customers, 2 days/);
  assert.ok(existsSync(join(example, "data", "labels.jsonl")));
  assert.match(r.stdout, /Replaying 2 rules/);
  assert.match(r.stdout, /\n {2}card_testing\s+\d+\s+\d+\s+100\.0%\s+\d+\s+\d+\s+100\.0%/);
  assert.match(r.stdout, /Dead letters: none/);
});

test("replay: --param overrides are typed; unknown names and bad values exit 2", () => {
  const bad = replay("examples/fraud/rules.vigil", "--data", data, "--param", "card_testing_small=abc");
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--param: parameter card_testing_small is a float: cannot use "abc"/);
  const unknown = replay("examples/fraud/rules.vigil", "--data", data, "--param=card_testing_smal=3");
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown parameter card_testing_smal: did you mean `card_testing_small`\?/);
  const ok = replay(
    "examples/fraud/rules.vigil",
    "--data",
    data,
    "--param",
    "card_testing_small=3",
    "--sample",
    "0",
  );
  assert.equal(ok.code, 0, ok.stderr);
});

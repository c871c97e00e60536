// Tests for `vigil explain`: compiles real rule text, prints each format, reports bad input as
// diagnostics with exit 1 (never a stack trace), bad usage with exit 2.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";

const RULES = `stream payments from topic "payments"
  key card_id
  schema { card_id: string, customer_id: string, amount: float, merchant: string, ts: timestamp }
  event time ts, lateness 30s

rule card_testing
  from payments
  match small: amount < 2 -> big: amount > 500 and merchant != small.merchant
  within 10m
  emit to "alerts" { card_id, big: big.amount }

rule velocity
  from payments
  partition by customer_id
  window sliding 1h
  aggregate count() as n
  having n > 10
  emit final to "alerts" { customer_id, n }
`;

const dir = mkdtempSync(join(tmpdir(), "vigil-explain-"));
const good = join(dir, "rules.vigil");
writeFileSync(good, RULES);
const bad = join(dir, "bad.vigil");
writeFileSync(
  bad,
  `${RULES}\nrule broken\n  from payments\n  where amout > 3\n  emit to "alerts" { card_id }\n`,
);

function explain(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ["--import", "tsx", "src/cli/main.ts", "explain", ...args], {
    encoding: "utf8",
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test("explain prints the Kafka Streams layout for compiled rules", () => {
  const r = explain(good, "--app", "fraud");
  assert.equal(r.code, 0, r.stderr);
  assert.match(
    r.stdout,
    /^Topologies:\n {3}Sub-topology: 0\n {4}Source: payments-source \(topics: \[payments\]\)/,
  );
  assert.match(r.stdout, /Processor: card_testing\.pattern \(stores: \[card_testing\.pattern\]\)/);
  assert.match(
    r.stdout,
    /Sink: velocity\.rekey-repartition-sink \(topic: fraud-velocity\.rekey-repartition\)/,
  );
  assert.match(r.stdout, /Sub-topology: 1/);
});

test("explain --format json|mermaid|dot and --rule", () => {
  const json = explain(good, "--format=json", "--rule", "card_testing");
  assert.equal(json.code, 0, json.stderr);
  const model = JSON.parse(json.stdout);
  assert.equal(model.app, "vigil");
  assert.deepEqual(model.subTopologies[0].rules, ["card_testing"]);
  assert.match(explain(good, "--format", "mermaid").stdout, /^flowchart LR\n/);
  assert.match(explain(good, "--format", "dot").stdout, /^digraph topology \{\n/);
});

test("explain on broken rules prints diagnostics with file:line:col and exits 1", () => {
  const r = explain(bad);
  assert.equal(r.code, 1);
  assert.equal(r.stdout, "");
  assert.match(r.stderr, /bad\.vigil:\d+:\d+: error\[V\d+\]/);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
});

test("explain rejects bad usage and unknown rules", () => {
  assert.equal(explain().code, 2);
  assert.equal(explain(good, "--format", "svg").code, 2);
  const r = explain(good, "--rule", "nope");
  assert.equal(r.code, 1);
  assert.match(r.stderr, /no rule named 'nope' \(rules: card_testing, velocity\)/);
});

test("explain prints each stream's event time, lateness and idle after (declared or the worker's)", () => {
  const file = join(dir, "idle.vigil");
  writeFileSync(
    file,
    `${RULES}
stream logins from topic "logins"
  key user
  schema { user: string, at: timestamp }
  event time at, lateness 5s
  idle after 2m

rule logins_seen
  from logins
  emit to "seen" { user }
`,
  );
  const r = explain(file);
  assert.equal(r.code, 0, r.stderr);
  const section = r.stdout.slice(r.stdout.indexOf("\nEvent time:\n"));
  assert.equal(
    section,
    [
      "",
      "Event time:",
      "  payments (topic payments): ts, lateness 30s, idle after the worker's default (vigil run --idle-after; 60s)",
      "  logins (topic logins): at, lateness 5s, idle after 2m",
      "",
    ].join("\n"),
  );
  assert.doesNotMatch(explain(file, "--format", "json").stdout, /Event time:/);
});

// A bad line of a stream that two task groups read (a sliding window on payments beside a join whose
// payments side is re-keyed) is decoded, and dead-lettered, by both: the replay reports it once.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { compileProgram } from "../../src/plan/compile.ts";
import { taskGroups } from "../../src/plan/task-groups.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const RULES = `stream payments from topic "payments"
  key card_id
  format json
  schema { card_id: string, customer_id: string, amount: float, ts: timestamp }
  event time ts, lateness 1s

stream logins from topic "logins"
  key customer_id
  format json
  schema { customer_id: string, ts: timestamp }
  event time ts, lateness 1s

rule card_spend
  from payments
  window sliding 1h
  aggregate sum(amount) as total
  emit final to "spend" { card_id, total }

rule login_then_pay
  from logins as l
  join payments as p on p.customer_id = l.customer_id within 10m
  emit to "login-pay" { customer_id: l.customer_id, amount: p.amount }
`;

test("replay: a bad line read by two task groups is one dead letter in the report", () => {
  const plan = compileProgram([{ path: "rules.vigil", text: RULES }]).plan;
  assert.ok(plan !== null);
  const readers = taskGroups(plan).filter((g) => g.topics.includes("payments"));
  assert.equal(readers.length, 2, "the shape under test: two task groups read payments");

  const dir = mkdtempSync(join(tmpdir(), "vigil-replay-dl-once-"));
  const data = join(dir, "data");
  mkdirSync(data);
  writeFileSync(join(dir, "rules.vigil"), RULES);
  const payments = [
    JSON.stringify({ card_id: "a", customer_id: "u", amount: 1, ts: 1_000 }),
    "{not json",
    JSON.stringify({ card_id: "b", customer_id: "u", amount: 2, ts: 2_000 }),
  ];
  writeFileSync(join(data, "payments.jsonl"), `${payments.join("\n")}\n`);
  writeFileSync(join(data, "logins.jsonl"), `${JSON.stringify({ customer_id: "u", ts: 1_500 })}\n`);
  const r = spawnSync(
    process.execPath,
    ["bin/vigil.mjs", "replay", join(dir, "rules.vigil"), "--data", data],
    {
      cwd: ROOT,
      encoding: "utf8",
    },
  );
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /Dead letters: 1 \(decode-error 1\)/, r.stdout);
  assert.ok(r.stdout.includes(`${join(data, "payments.jsonl")}:2`), r.stdout);
});

// CLI tests: `vigil run` checks --param overrides against the compiled rules before it connects.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const VIGIL = fileURLToPath(new URL("../../bin/vigil.mjs", import.meta.url));
const RULES = fileURLToPath(new URL("../../dsl/lib/fraud/card_testing.vigil", import.meta.url));

function run(param: string) {
  // Port 1 is never a broker: a run that got past the checks would fail differently (exit 1).
  return spawnSync(
    process.execPath,
    [VIGIL, "run", RULES, "--brokers", "127.0.0.1:1", "--group", "g", "--param", param],
    {
      encoding: "utf8",
    },
  );
}

test("vigil run: a --param of the wrong type exits 2 and names the parameter and its type", () => {
  const r = run("card_testing_big=abc");
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--param: parameter card_testing_big is a float: cannot use "abc"/);
});

test("vigil run: an unknown --param exits 2 with a did-you-mean", () => {
  const r = run("card_testing_bg=900");
  assert.equal(r.status, 2);
  assert.match(r.stderr, /unknown parameter card_testing_bg.*card_testing_big/);
});

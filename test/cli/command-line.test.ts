// The one command line: every command parses `--x=v` and `--x v` alike, has its own --help, bad
// usage exits 2, `--version` prints the package version, `vigil completion bash` is a working
// bash script, and a missing rules file is "cannot read rules file X: reason" for every command.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { buildProgram } from "../../src/cli/program.ts";
import { COMMANDS } from "../../src/cli/registry.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const RULES = "dsl/lib/fraud/card_testing.vigil";

function vigil(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ["bin/vigil.mjs", ...args], { cwd: ROOT, encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test("--version prints the package version; no command prints the commands and exits 2", () => {
  const version = (JSON.parse(readFileSync(`${ROOT}/package.json`, "utf8")) as { version: string }).version;
  const r = vigil("--version");
  assert.equal(r.code, 0);
  assert.equal(r.stdout.trim(), version);
  const none = vigil();
  assert.equal(none.code, 2);
  for (const c of COMMANDS) assert.match(none.stdout, new RegExp(`\\n  ${c.name}\\s`));
});

test("every command has --help from its definition, listing each of its options", async () => {
  const { program } = await buildProgram();
  for (const cmd of program.commands) {
    const help = cmd.helpInformation();
    assert.match(help, new RegExp(`^Usage: vigil ${cmd.name()} `), cmd.name());
    for (const o of cmd.options) assert.ok(help.includes(o.long ?? "?"), `${cmd.name()} ${o.long}`);
  }
  const r = vigil("explain", "--help");
  assert.equal(r.code, 0);
  assert.match(r.stdout, /--format <format>/);
});

test("--x=v and --x v mean the same, in every command that takes values", () => {
  const spaced = vigil("explain", RULES, "--format", "json", "--app", "a1");
  const inline = vigil("explain", RULES, "--format=json", "--app=a1");
  assert.equal(spaced.code, 0, spaced.stderr);
  assert.equal(inline.stdout, spaced.stdout);
  // A bad value is a usage error whichever way it is written.
  assert.equal(vigil("replay", RULES, "--data=/nonexistent", "--partitions=0").code, 2);
  assert.equal(vigil("replay", RULES, "--data", "/nonexistent", "--partitions", "0").code, 2);
  assert.equal(vigil("run", RULES, "--session-timeout=5").code, 2);
  assert.equal(vigil("check", "--bogus", RULES).code, 2);
  assert.equal(vigil("fmt", "--check=yes", RULES).code, 2);
});

test("a missing rules file: one message for every command", () => {
  const cases: string[][] = [
    ["check", "nonexist.vigil"],
    ["explain", "nonexist.vigil"],
    ["fmt", "nonexist.vigil"],
    ["replay", "nonexist.vigil", "--data", "examples"],
    ["run", "nonexist.vigil", "--brokers", "127.0.0.1:1", "--group", "g"],
  ];
  for (const args of cases) {
    const r = vigil(...args);
    assert.equal(r.code, 1, args.join(" "));
    assert.match(r.stderr, /cannot read rules file nonexist\.vigil: no such file or directory/, args[0]);
    assert.doesNotMatch(r.stderr, /V2701|ENOENT|\n\s+at /, args[0]);
  }
});

test("vigil completion bash: a script bash accepts, completing commands, options and choices", (t) => {
  const script = vigil("completion", "bash");
  assert.equal(script.code, 0);
  const bash = spawnSync("bash", ["--version"]);
  if (bash.status !== 0) return t.skip("no bash on this machine");
  const complete = (...words: string[]): string => {
    const program = `${script.stdout}\nCOMP_WORDS=(${words.map((w) => `'${w}'`).join(" ")}); COMP_CWORD=${words.length - 1}; _vigil; echo "\${COMPREPLY[*]}"`;
    const r = spawnSync("bash", ["-c", program], { encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout.trim();
  };
  assert.equal(complete("vigil", "exp"), "explain");
  assert.equal(complete("vigil", "explain", "--fo"), "--format");
  assert.equal(complete("vigil", "explain", "--format", ""), "text mermaid dot json");
  assert.equal(complete("vigil", "completion", ""), "bash");
});

// The package as a new user gets it: `npm pack` (prepack builds dist/ with tsc) gives a tarball of
// compiled JavaScript, .d.ts types, LICENSE and README only; installed into a fresh project with no
// dev dependencies, `vigil --version`, `vigil check`, `vigil replay` and a script importing `vigil`
// and `vigil/testing` run with plain node (20 here, and 22/24 when npx has them cached).
// Builds once for the whole file; needs the npm registry for the package's dependencies.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const VERSION = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string }).version;
const work = mkdtempSync(join(tmpdir(), "vigil-pack-"));
const app = join(work, "app");

function sh(cmd: string, args: readonly string[], cwd: string, timeout = 300_000) {
  const r = spawnSync(cmd, args, {
    cwd,
    encoding: "utf8",
    timeout,
    env: { ...process.env, npm_config_loglevel: "error" },
  });
  return { code: r.status, stdout: r.stdout ?? "", stderr: r.stderr ?? String(r.error ?? "") };
}

const RULES = `stream payments from topic "payments"
  key card
  format json
  schema { card: string, amount: float, ts: timestamp }
  event time ts, lateness 1s

rule big_payment
  from payments
  where amount > 100
  emit to "alerts" { card, amount }
`;

const ROWS = [
  { card: "c1", amount: 5, ts: 1_000 },
  { card: "c2", amount: 500, ts: 2_000 },
  { card: "c1", amount: 150, ts: 3_000 },
];

const SCRIPT = `import { readFileSync } from "node:fs";
import { compileProgram, runEmbedded } from "vigil";
import { createTestDriver } from "vigil/testing";

const rules = readFileSync("rules.vigil", "utf8");
const compiled = compileProgram([{ path: "rules.vigil", text: rules }]);
if (compiled.plan === null) throw new Error("rules do not compile");
const rows = ${JSON.stringify(ROWS)};
const result = await runEmbedded({ plan: compiled.plan, inputs: { records: { payments: rows } } });
const driver = await createTestDriver({ rules });
for (const r of rows) driver.pipe("payments", r, { at: r.ts });
driver.endOfInput();
console.log(JSON.stringify({ embedded: result.canonical.length, driver: driver.values("alerts").length }));
`;

let tarball = "";
let packedFiles: string[] = [];

before(() => {
  const pack = sh("npm", ["pack", "--json", "--pack-destination", work], ROOT);
  assert.equal(pack.code, 0, pack.stderr);
  const info = JSON.parse(pack.stdout.slice(pack.stdout.indexOf("["))) as {
    filename: string;
    files: { path: string }[];
  }[];
  tarball = join(work, info[0]!.filename);
  packedFiles = info[0]!.files.map((f) => f.path);
  mkdirSync(join(app, "data"), { recursive: true });
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "app", private: true, type: "module" }));
  writeFileSync(join(app, "rules.vigil"), RULES);
  writeFileSync(join(app, "data", "payments.jsonl"), `${ROWS.map((r) => JSON.stringify(r)).join("\n")}\n`);
  writeFileSync(join(app, "script.mjs"), SCRIPT);
  const install = sh("npm", ["install", "--omit=dev", "--no-audit", "--no-fund", tarball], app, 600_000);
  assert.equal(install.code, 0, install.stderr);
});

after(() => rmSync(work, { recursive: true, force: true }));

test("the tarball carries compiled JavaScript, types, LICENSE and README; no sources, tests or benches", () => {
  for (const f of [
    "LICENSE",
    "README.md",
    "package.json",
    "dist/index.js",
    "dist/index.d.ts",
    "dist/testing/index.js",
    "dist/testing/index.d.ts",
    "dist/cli/main.js",
  ])
    assert.ok(packedFiles.includes(f), `missing ${f}`);
  const stray = packedFiles.filter(
    (f) => /^(src|test|bench|\.ci|scripts|examples)\//.test(f) || (f.endsWith(".ts") && !f.endsWith(".d.ts")),
  );
  assert.deepEqual(stray, []);
});

test("installed without dev dependencies: no TypeScript, no tsx", () => {
  assert.ok(existsSync(join(app, "node_modules", "vigil", "dist", "index.js")));
  assert.ok(!existsSync(join(app, "node_modules", "tsx")), "tsx was installed");
  assert.ok(!existsSync(join(app, "node_modules", "typescript")), "typescript was installed");
});

test("the vigil bin: --version, check and replay", () => {
  const vigil = join(app, "node_modules", ".bin", "vigil");
  const version = sh(vigil, ["--version"], app);
  assert.equal(version.code, 0, version.stderr);
  assert.equal(version.stdout.trim(), VERSION);
  const check = sh(vigil, ["check", "rules.vigil"], app);
  assert.equal(check.code, 0, check.stderr);
  assert.match(check.stdout, /1 file checked, 0 errors/);
  const replay = sh(vigil, ["replay", "rules.vigil", "--data", "data"], app);
  assert.equal(replay.code, 0, replay.stderr);
  assert.match(replay.stdout, /3 records in, 2 alerts/);
});

/** Node versions to run the import script with: this one, and 22/24 when npx has them offline. */
function nodes(): { name: string; cmd: string; args: string[] }[] {
  const list = [{ name: `node ${process.version}`, cmd: process.execPath, args: [] as string[] }];
  for (const major of ["22", "24"]) {
    if (process.version.startsWith(`v${major}.`)) continue;
    const probe = spawnSync("npx", ["-y", "--offline", `node@${major}`, "--version"], {
      encoding: "utf8",
      timeout: 120_000,
    });
    if (probe.status === 0)
      list.push({
        name: `node ${probe.stdout.trim()}`,
        cmd: "npx",
        args: ["-y", "--offline", `node@${major}`],
      });
    else list.push({ name: `node@${major} (skipped: not in the npx cache, no download)`, cmd: "", args: [] });
  }
  return list;
}

for (const node of nodes()) {
  test(`a script importing vigil and vigil/testing runs with plain ${node.name}`, {
    skip: node.cmd === "",
  }, () => {
    const r = sh(node.cmd, [...node.args, "script.mjs"], app);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout.trim().split("\n").at(-1)!), { embedded: 2, driver: 2 });
  });
}

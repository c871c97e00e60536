// docs/testing.md promises its driver example runs as it is: this extracts the block marked
// `// docs/testing.md: runnable` and runs it with node's test runner (importing `vigil/testing`).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const ROOT = resolve(fileURLToPath(import.meta.url), "../../..");

test("the runnable snippet of docs/testing.md passes", () => {
  const doc = readFileSync(join(ROOT, "docs/testing.md"), "utf8");
  const blocks = [...doc.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
  const snippet = blocks.find((b) => b.startsWith("// docs/testing.md: runnable"));
  assert.ok(snippet, "docs/testing.md has a block starting with `// docs/testing.md: runnable`");
  // Inside the repository (a dot file, which the test walker skips) so `vigil/testing` resolves to this package.
  const file = join(ROOT, "test/testing", `.docs-snippet-${process.pid}.test.ts`);
  writeFileSync(file, snippet);
  try {
    // `--conditions=source`: `vigil/testing` resolves to src/ (package.json exports), not to a dist/ built or not.
    const args = ["--conditions=source", "--import", "tsx", "--test", "--test-reporter=tap", file];
    const r = spawnSync(process.execPath, args, {
      cwd: ROOT,
      encoding: "utf8",
      // Not a subtest of this run: the child reports on its own stdout.
      env: { ...process.env, NODE_TEST_CONTEXT: undefined },
    });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /# pass 2\n# fail 0/);
  } finally {
    rmSync(file, { force: true });
  }
});

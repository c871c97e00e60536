// Test support for state: temporary directories under os.tmpdir(), removed after each test.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestContext } from "node:test";

/** A fresh directory for one test, deleted when the test ends (pass or fail). */
export async function tempDir(t: TestContext, label = "vigil-state-"): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), label));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

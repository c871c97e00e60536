#!/usr/bin/env node
// `npm run build` (and `npm pack`, through prepack): compiles src/ to JavaScript with .d.ts types
// in dist/ (tsconfig.build.json), from a clean dist/, copies the dashboard's files and makes the CLI executable.
import { spawnSync } from "node:child_process";
import { chmodSync, cpSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(fileURLToPath(import.meta.url), "../..");
rmSync(join(root, "dist"), { recursive: true, force: true });
const tsc = spawnSync(join(root, "node_modules", ".bin", "tsc"), ["-p", "tsconfig.build.json"], {
  cwd: root,
  stdio: "inherit",
});
if (tsc.status !== 0) process.exit(tsc.status ?? 1);
chmodSync(join(root, "dist", "cli", "main.js"), 0o755);
// The worker's dashboard page is served from files beside its code (src/observe/http-server.ts).
cpSync(join(root, "src", "observe", "dashboard"), join(root, "dist", "observe", "dashboard"), {
  recursive: true,
});

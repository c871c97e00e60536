#!/usr/bin/env node
// `npm run build` (and `npm pack`, through prepack): compiles src/ to JavaScript with .d.ts types
// in dist/ (tsconfig.build.json), from a clean dist/, and makes the CLI executable.
import { spawnSync } from "node:child_process";
import { chmodSync, rmSync } from "node:fs";
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

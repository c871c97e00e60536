#!/usr/bin/env node
// CLI stage: `vigil <command>` (the package's bin, compiled to dist/cli/main.js; bin/vigil.mjs runs
// these sources through tsx in a checkout). Commands are listed in src/cli/registry.ts.
import { runCli } from "./program.ts";

runCli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    // Only internal faults reach here: user input errors are reported by the commands themselves.
    console.error(
      `vigil: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
    );
    process.exitCode = 70;
  },
);

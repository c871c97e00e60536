#!/usr/bin/env node
// Dev tool: `node scripts/kafka/broker.mjs` runs a throwaway single-node Kafka in the foreground
// (the same harness as `npm test` and `vigil dev kafka`); Ctrl-C stops it.
import { register } from "tsx/esm/api";

register();
const { run } = await import("../../src/cli/commands/dev.ts");
process.exitCode = await run(["kafka", ...process.argv.slice(2)]);

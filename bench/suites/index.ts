// Benchmarks: the suites `npm run bench` runs, in order. One line per suite; the name is what
// `npm run bench <substring>` selects by.
import { codec } from "./codec.ts";
import { dslFrontEnd } from "./dsl-front-end.ts";
import { fraudRules } from "./fraud-rules.ts";
import { joins } from "./joins.ts";
import type { BenchRow } from "./measure.ts";
import { stateStores } from "./state-stores.ts";
import { windows } from "./windows.ts";

export const SUITES: ReadonlyArray<readonly [string, () => Promise<BenchRow[]>]> = [
  ["dsl front end", dslFrontEnd],
  ["state stores", stateStores],
  ["windows", windows],
  ["joins", joins],
  ["fraud rules", fraudRules],
  ["codec", codec],
  ["nexmark", async () => (await import("./nexmark.ts")).nexmark()],
  ["patterns", async () => (await import("./patterns.ts")).patterns()],
];

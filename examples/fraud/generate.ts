// Fraud example: the data generator's command line and `generateInto`, which `vigil replay
// examples/fraud` calls when examples/fraud/data is missing. Seeded: same options, same bytes.
//   node --import tsx examples/fraud/generate.ts [--out DIR] [--seed N] [--customers N] [--days N]
//        [--rate R] [--start YYYY-MM-DD] [--broken N]
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { DEFAULT_OPTIONS, datasetFiles, type GenerateOptions, generateDataset } from "./gen/dataset.ts";

export { DEFAULT_OPTIONS, type GenerateOptions } from "./gen/dataset.ts";

/** The directory the demo reads (git-ignored). */
export const DEFAULT_DATA_DIR = fileURLToPath(new URL("./data", import.meta.url));

/** Writes the dataset's files into `dir`; returns a one-line summary. */
export function generateInto(dir: string, options: GenerateOptions = DEFAULT_OPTIONS): string {
  const ds = generateDataset(options);
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of datasetFiles(ds)) writeFileSync(join(dir, name), text);
  const incidents = Object.values(ds.injected).reduce((a, b) => a + b, 0);
  return (
    `${ds.options.customers} customers, ${ds.options.days} days (seed ${ds.options.seed}): ` +
    `${ds.payments.length} payments, ${ds.activity.length} account events, ` +
    `${incidents} injected incidents (${ds.labels.length} labels) -> ${dir}`
  );
}

/** Parses the generator's flags over the defaults; a string is a usage error. */
export function parseGenerateArgs(
  argv: readonly string[],
): { dir: string; options: GenerateOptions } | string {
  let dir = DEFAULT_DATA_DIR;
  const o: { -readonly [K in keyof GenerateOptions]: GenerateOptions[K] } = { ...DEFAULT_OPTIONS };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const value = argv[++i];
    if (value === undefined) return `${flag} needs a value`;
    const num = Number(value);
    if (flag === "--out") dir = value;
    else if (flag === "--start") {
      const t = Date.parse(`${value}T00:00:00Z`);
      if (Number.isNaN(t)) return `bad --start date '${value}' (want YYYY-MM-DD)`;
      o.start = t;
    } else if (!Number.isFinite(num) || num < 0) return `bad number for ${flag}: '${value}'`;
    else if (flag === "--seed") o.seed = Math.floor(num);
    else if (flag === "--customers") o.customers = Math.max(10, Math.floor(num));
    else if (flag === "--days") o.days = Math.max(1, Math.floor(num));
    else if (flag === "--rate") o.fraudRate = num;
    else if (flag === "--broken") o.brokenLines = Math.floor(num);
    else return `unknown option ${flag}`;
  }
  return { dir, options: o };
}

function main(argv: readonly string[]): number {
  if (argv.includes("--help") || argv.includes("-h")) {
    console.log(
      "Usage: node --import tsx examples/fraud/generate.ts [--out DIR] [--seed N] [--customers N] [--days N] [--rate R] [--start YYYY-MM-DD] [--broken N]",
    );
    return 0;
  }
  const args = parseGenerateArgs(argv);
  if (typeof args === "string") {
    console.error(`generate: ${args}`);
    return 2;
  }
  console.log(generateInto(args.dir, args.options));
  return 0;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = main(process.argv.slice(2));
}

// CLI stage, `vigil replay`: the command line, and where the rules, data and labels come from.
// `vigil replay DIR` on an example directory (rules.vigil + data/, maybe generate.ts) needs no flags.
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

export interface ReplayArgs {
  /** Rule files (directories expanded to their *.vigil files). */
  readonly rules: readonly string[];
  readonly dataDir: string;
  readonly labels: string | null;
  /** Example directory with a generate.ts to call when dataDir is missing; null otherwise. */
  readonly generator: string | null;
  readonly partitions: number;
  readonly progress: boolean;
  readonly sample: number;
  readonly out: string | null;
  /** `--param name=value` as written; typed against the plan by resolveParamOverrides. */
  readonly params: Readonly<Record<string, string>>;
}

interface Flags {
  data?: string;
  labels?: string;
  partitions: number;
  progress: boolean;
  sample: number;
  out?: string;
  params: Record<string, string>;
  positional: string[];
}

/** Parses argv; a string is a usage error. */
export function parseReplayArgs(argv: readonly string[]): ReplayArgs | string {
  const flags = parseFlags(argv);
  if (typeof flags === "string") return flags;
  if (flags.positional.length === 0) return "no rules given";
  const example =
    flags.data === undefined && flags.positional.length === 1 ? exampleDir(flags.positional[0]!) : null;
  if (flags.data === undefined && example === null)
    return "--data <dir> is required (or give an example directory)";
  const dataDir = flags.data ?? join(example!, "data");
  const rules = example !== null ? exampleRules(example) : expandRules(flags.positional);
  if (typeof rules === "string") return rules;
  const defaultLabels = join(dataDir, "labels.jsonl");
  return {
    rules,
    dataDir,
    labels: flags.labels ?? (example !== null || existsSync(defaultLabels) ? defaultLabels : null),
    generator: example !== null && existsSync(join(example, "generate.ts")) ? example : null,
    partitions: flags.partitions,
    progress: flags.progress,
    sample: flags.sample,
    out: flags.out ?? null,
    params: flags.params,
  };
}

function parseFlags(argv: readonly string[]): Flags | string {
  const f: Flags = { partitions: 1, progress: false, sample: 12, params: {}, positional: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] =
      arg.startsWith("--") && arg.includes("=") ? arg.split(/=(.*)/s, 2) : [arg, undefined];
    const value = (): string | undefined => inline ?? argv[++i];
    if (flag === "--progress") f.progress = true;
    else if (flag === "--data") f.data = value();
    else if (flag === "--labels") f.labels = value();
    else if (flag === "--out") f.out = value();
    else if (flag === "--partitions" || flag === "--sample") {
      const n = Number(value());
      if (!Number.isInteger(n) || n < (flag === "--sample" ? 0 : 1) || n > 256)
        return `bad value for ${flag}`;
      if (flag === "--partitions") f.partitions = n;
      else f.sample = n;
    } else if (flag === "--param") {
      const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(value() ?? "");
      if (m === null) return "--param wants name=value";
      f.params[m[1]!] = m[2]!;
    } else if (arg.startsWith("-")) return `unknown option ${arg}`;
    else f.positional.push(arg);
  }
  if ([f.data, f.labels, f.out].some((v) => v === "")) return "an option is missing its value";
  return f;
}

function isDir(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory();
}

/** A directory is an example when it has a data/ folder or a generator. */
function exampleDir(path: string): string | null {
  return isDir(path) && (isDir(join(path, "data")) || existsSync(join(path, "generate.ts"))) ? path : null;
}

/** An example's rules: its rules.vigil when present, else every *.vigil file in it. */
function exampleRules(dir: string): string[] | string {
  const main = join(dir, "rules.vigil");
  return existsSync(main) ? [main] : expandRules([dir]);
}

function expandRules(paths: readonly string[]): string[] | string {
  const files: string[] = [];
  for (const p of paths) {
    if (!isDir(p)) {
      files.push(p);
      continue;
    }
    const found = readdirSync(p)
      .filter((f) => f.endsWith(".vigil"))
      .sort()
      .map((f) => join(p, f));
    if (found.length === 0) return `no .vigil files in ${p}`;
    files.push(...found);
  }
  return files;
}

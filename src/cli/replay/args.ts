// CLI stage, `vigil replay`: the command line, and where the rules, data and labels come from.
// `vigil replay DIR` on an example directory (rules.vigil + data/, maybe generate.ts) needs no flags.
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import type { AlertFormat } from "./output.ts";

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
  /** Where every alert goes (`-`: stdout), and in which format. */
  readonly out: string | null;
  readonly format: AlertFormat;
  readonly deadLetters: string | null;
  /** Print the summary as JSON (for CI) instead of the report. */
  readonly json: boolean;
  /** Warnings (an input with no file, --data naming a file) fail the run (exit 1). */
  readonly strict: boolean;
  /** `--param name=value` as written; typed against the plan by resolveParamOverrides. */
  readonly params: Readonly<Record<string, string>>;
}

/** The options of `vigil replay` as commander parsed them. */
export interface ReplayFlags {
  readonly data?: string;
  readonly labels?: string;
  readonly partitions: number;
  readonly progress?: boolean;
  readonly sample: number;
  readonly out?: string;
  readonly format: AlertFormat;
  readonly deadLetters?: string;
  readonly json?: boolean;
  readonly strict?: boolean;
  readonly param?: string[];
}

/** Resolves the rules, data and labels of a replay; a string is a usage error. */
export function resolveReplayArgs(positional: readonly string[], flags: ReplayFlags): ReplayArgs | string {
  const params: Record<string, string> = {};
  for (const item of flags.param ?? []) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(item);
    if (m === null) return "--param wants name=value";
    params[m[1]!] = m[2]!;
  }
  if (positional.length === 0) return "no rules given";
  const example = flags.data === undefined && positional.length === 1 ? exampleDir(positional[0]!) : null;
  if (flags.data === undefined && example === null)
    return "--data <dir> is required (or give an example directory)";
  const dataDir = flags.data ?? join(example!, "data");
  const rules = example !== null ? exampleRules(example) : expandRules(positional);
  if (typeof rules === "string") return rules;
  const defaultLabels = join(dataDir, "labels.jsonl");
  return {
    rules,
    dataDir,
    labels: flags.labels ?? (example !== null || existsSync(defaultLabels) ? defaultLabels : null),
    generator: example !== null && existsSync(join(example, "generate.ts")) ? example : null,
    partitions: flags.partitions,
    progress: flags.progress === true,
    sample: flags.sample,
    out: flags.out ?? null,
    format: flags.format,
    deadLetters: flags.deadLetters ?? null,
    json: flags.json === true,
    strict: flags.strict === true,
    params,
  };
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

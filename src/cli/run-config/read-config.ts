// CLI stage, `vigil run`: reads and validates the --config file. Every problem names the file and
// the key: `cfg.json: sessionTimeoutMs: expected number, received string`; bad JSON gives the
// line and column; a missing file is "cannot read config file".
import { readFileSync } from "node:fs";
import type { z } from "zod";
import { suggestWord } from "../../dsl/diagnostics/suggest-word.ts";
import { readFailure } from "../shared/rules-files.ts";
import { type RunConfig, RunConfigSchema } from "./schema.ts";

/** Thrown with every problem of a config file, one `file: key: problem` per line. */
export class ConfigFileError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(problems.join("\n"));
    this.name = "ConfigFileError";
    this.problems = problems;
  }
}

/** The validated config of `path` (an empty config when there is no file). */
export function readRunConfig(path: string | undefined): RunConfig {
  if (path === undefined) return {};
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new ConfigFileError([`${path}: cannot read config file: ${readFailure(e)}`]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ConfigFileError([`${path}: ${jsonProblem(text, e as Error)}`]);
  }
  const parsed = RunConfigSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  throw new ConfigFileError(parsed.error.issues.flatMap((i) => describeIssue(i)).map((p) => `${path}: ${p}`));
}

/** `line 1, column 2: not valid JSON: Expected property name...` from JSON.parse's position. */
function jsonProblem(text: string, e: Error): string {
  const message = e.message.replace(/\s*\(line \d+ column \d+\)$/, "");
  const at = /at position (\d+)/.exec(message);
  if (at === null) return `not valid JSON: ${message}`;
  const before = text.slice(0, Number(at[1]));
  const line = before.split("\n").length;
  const column = before.length - before.lastIndexOf("\n");
  return `line ${line}, column ${column}: not valid JSON: ${message.replace(/ in JSON at position \d+/, "")}`;
}

const keyPath = (path: readonly PropertyKey[]): string =>
  path.length === 0 ? "(top level)" : path.map(String).join(".");

function describeIssue(issue: z.core.$ZodIssue): string[] {
  switch (issue.code) {
    case "unrecognized_keys":
      return issue.keys.map((k) => `${keyPath([...issue.path, k])}: unknown key${suggest(issue.path, k)}`);
    case "invalid_union": {
      // Report the branch that got furthest (the object form of `tls`, say), else the union's message.
      const branches = issue.errors.filter((b) => b.some((i) => i.path.length > 0));
      if (branches.length === 1)
        return branches[0]!.flatMap((i) => describeIssue({ ...i, path: [...issue.path, ...i.path] }));
      return [`${keyPath(issue.path)}: ${issue.message.toLowerCase()}`];
    }
    case "invalid_type":
      if (/received undefined/.test(issue.message)) return [`${keyPath(issue.path)}: is required`];
      return [`${keyPath(issue.path)}: ${issue.message.replace(/^Invalid input: /, "")}`];
    default:
      return [`${keyPath(issue.path)}: ${issue.message.replace(/^Invalid (input|option): /, "")}`];
  }
}

/** ` (did you mean brokers?)` for a key close to a known one at the top level, else the known keys. */
function suggest(path: readonly PropertyKey[], key: string): string {
  if (path.length > 0) return "";
  const known = Object.keys(RunConfigSchema.shape);
  const close = suggestWord(key, known);
  return close ? ` (did you mean ${close}?)` : ` (known keys: ${known.join(", ")})`;
}

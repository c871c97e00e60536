// CLI stage, `vigil replay`: which file feeds each declared stream and table (`<name>.jsonl`, else
// `<topic>.jsonl`, found without reading them), what deserves a warning (a declaration with no
// file that no rule feeds, or --data naming a file), and the file lines of dead letters.
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import type { DeadLetter } from "../../core/record.ts";
import { ruleSinks } from "../../plan/outputs.ts";
import type { ProgramPlan } from "../../plan/plan.ts";
import { type InputDecl, lineNumbers } from "../../runtime/file-topic.ts";

export interface ReplayInputs {
  /** Declaration name -> file, as the embedded runner takes them. */
  readonly files: Readonly<Record<string, string>>;
  /** Topic -> the declaration read from a file and its path. */
  readonly byTopic: ReadonlyMap<string, { readonly decl: InputDecl; readonly path: string }>;
  readonly warnings: readonly string[];
}

export function findInputs(plan: ProgramPlan, dataDir: string): ReplayInputs {
  const files: Record<string, string> = {};
  const byTopic = new Map<string, { decl: InputDecl; path: string }>();
  const warnings: string[] = [];
  if (existsSync(dataDir) && !statSync(dataDir).isDirectory())
    warnings.push(
      `--data ${dataDir} is a file, not a folder of <stream>.jsonl files: the rules read nothing`,
    );
  const decls = [...plan.tables, ...plan.streams];
  for (const d of decls) {
    const candidates = [join(dataDir, `${d.name}.jsonl`), join(dataDir, `${d.topic}.jsonl`)];
    const path = candidates.find((p) => existsSync(p) && statSync(p).isFile());
    if (path === undefined) continue;
    files[d.name] = path;
    if (!byTopic.has(d.topic)) byTopic.set(d.topic, { decl: d, path });
  }
  for (const d of decls) {
    if (byTopic.has(d.topic) || plan.rules.some((r) => ruleSinks(r).some((k) => k.topic === d.topic)))
      continue;
    const kind = plan.tables.includes(d as never) ? "table" : "stream";
    warnings.push(
      `${kind} ${d.name} has no input file (looked for ${d.name}.jsonl and ${d.topic}.jsonl in ${dataDir}): it reads nothing`,
    );
  }
  return { files, byTopic, warnings };
}

/** The input file line of each dead letter that came from one (one pass per file that has any). */
export function deadLetterFileLines(
  inputs: ReplayInputs,
  letters: readonly DeadLetter[],
  partitions: number,
): (d: DeadLetter) => { file: string; line: number } | null {
  const lines = new Map<string, Map<string, number>>();
  for (const [topic, { decl, path }] of inputs.byTopic) {
    const wanted = letters.filter((d) => d.origin.topic === topic).map((d) => d.origin);
    if (wanted.length > 0) lines.set(topic, lineNumbers(decl, path, partitions, wanted));
  }
  return (d) => {
    const line = lines.get(d.origin.topic)?.get(`${d.origin.partition}@${d.origin.offset}`);
    const file = inputs.byTopic.get(d.origin.topic)?.path;
    return line === undefined || file === undefined ? null : { file, line };
  };
}

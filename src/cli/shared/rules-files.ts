// CLI stage: one message for a rules file that cannot be read, for every command:
// "cannot read rules file X: reason" (not an include diagnostic, not a raw ENOENT).
import { accessSync, constants, statSync } from "node:fs";

/** A short reason for a failed file read. */
export function readFailure(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code;
  if (code === "ENOENT") return "no such file or directory";
  if (code === "EACCES") return "permission denied";
  if (code === "EISDIR") return "it is a directory";
  return e instanceof Error ? e.message : String(e);
}

/** The message for each path that is not a readable file. */
export function unreadableRulesFiles(paths: readonly string[]): string[] {
  const problems: string[] = [];
  for (const path of paths) {
    try {
      if (statSync(path).isDirectory()) throw Object.assign(new Error("is a directory"), { code: "EISDIR" });
      accessSync(path, constants.R_OK);
    } catch (e) {
      problems.push(`cannot read rules file ${path}: ${readFailure(e)}`);
    }
  }
  return problems;
}

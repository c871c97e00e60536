// Testing kit: compiles rules for a test, from rule text or files, and fails loudly with the
// rendered diagnostics (a test of a rule that does not compile has nothing to test).
import { renderDiagnostics } from "../dsl/diagnostics/render.ts";
import { compileProgram, type SourceInput } from "../plan/compile.ts";
import type { ProgramPlan } from "../plan/plan.ts";

/** Rules to compile: rule text, or files (paths or `{ path, text }`), with includes resolved from disk. */
export type RulesSource =
  | { readonly text: string; readonly path?: string }
  | { readonly files: readonly SourceInput[] };

/** A compiled program and the text of every file read (to point a failure at a rule). */
export interface CompiledRules {
  readonly plan: ProgramPlan;
  readonly sources: ReadonlyMap<string, string>;
}

export class RulesCompileError extends Error {}

/** Compiles rules; throws RulesCompileError with the rendered diagnostics when there is an error. */
export function compileRules(source: RulesSource | string): CompiledRules {
  const inputs: readonly SourceInput[] =
    typeof source === "string"
      ? [{ path: "rules.vigil", text: source }]
      : "text" in source
        ? [{ path: source.path ?? "rules.vigil", text: source.text }]
        : source.files;
  const result = compileProgram(inputs);
  if (result.plan === null) {
    const rendered = renderDiagnostics(result.diagnostics, (f) => result.sources.get(f));
    throw new RulesCompileError(`rules do not compile:\n${rendered}`);
  }
  return { plan: result.plan, sources: result.sources };
}

/** Compiles `rules`, or takes a ready plan as it is (with no sources). */
export function compiledOf(rules: RulesSource | string | ProgramPlan): CompiledRules {
  if (typeof rules === "object" && "rules" in rules && "streams" in rules)
    return { plan: rules, sources: new Map() };
  return compileRules(rules as RulesSource | string);
}

/** Where `rule <name>` is declared: `file:line`, or null when no source holds it. */
export function ruleLocation(sources: ReadonlyMap<string, string>, rule: string): string | null {
  const pattern = new RegExp(`^\\s*rule\\s+${rule.replace(/[^\w]/g, "\\$&")}\\b`);
  for (const [file, text] of sources) {
    const lines = text.split("\n");
    const i = lines.findIndex((l) => pattern.test(l));
    if (i >= 0) return `${file}:${i + 1}`;
  }
  return null;
}

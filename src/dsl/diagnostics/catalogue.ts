// DSL front end, diagnostics: every code of the compiler in one catalogue, and the one function that
// turns a code plus arguments into a Diagnostic. Templates fill `{name}` from `args`; a hint that
// ends up empty is dropped.
import type { Span } from "../span.ts";
import { CHECK_CODES } from "./check-codes.ts";
import type { CodeDef, Diagnostic } from "./diagnostic.ts";
import { PARSE_CODES } from "./parse-codes.ts";

/** All codes: V1xxx parse, V2xxx check. */
export const CATALOGUE: Readonly<Record<string, CodeDef>> = { ...PARSE_CODES, ...CHECK_CODES };

export type DiagnosticArgs = Readonly<Record<string, string | number>>;

/** Fills `{name}` placeholders; unknown names become empty strings. */
export function fillTemplate(template: string, args: DiagnosticArgs): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => String(args[name] ?? ""));
}

/**
 * Builds a diagnostic from the catalogue, e.g.
 * `diagnostic("V1010", span, { expected: "`:`", found: "`amount`" })`.
 */
export function diagnostic(code: string, span: Span, args: DiagnosticArgs = {}, hint?: string): Diagnostic {
  const def = CATALOGUE[code];
  if (def === undefined) {
    return { code, severity: "error", message: `unknown diagnostic code ${code}`, span };
  }
  const message = fillTemplate(def.message, args);
  const filledHint = hint ?? (def.hint === undefined ? "" : fillTemplate(def.hint, args));
  const base = { code, severity: def.severity, message, span };
  return filledHint.trim() === "" ? base : { ...base, hint: filledHint };
}

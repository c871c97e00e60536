// DSL front end, diagnostics: the one shape every compiler message takes (parser and checker alike).
// Diagnostics are data: a stable code, a message, a span, an optional hint. Never an exception.
import type { Span } from "../span.ts";

export type Severity = "error" | "warning";

/** A message about the user's rule text, e.g. `V1010` "expected `:`, found `amount`" at 3:14. */
export interface Diagnostic {
  /** Stable code: V1xxx lexer/parser (src/dsl/diagnostics/parse-codes.ts), V2xxx checker (check-codes.ts). */
  readonly code: string;
  readonly severity: Severity;
  readonly message: string;
  readonly span: Span;
  readonly hint?: string;
}

/** A catalogue entry: message and hint templates with `{name}` placeholders. */
export interface CodeDef {
  readonly severity: Severity;
  readonly message: string;
  readonly hint?: string;
}

/** True when any diagnostic is an error. */
export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === "error");
}

/** Diagnostics in a stable order: by file, then offset, then code. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort(
    (a, b) =>
      (a.span.file < b.span.file ? -1 : a.span.file > b.span.file ? 1 : 0) ||
      a.span.start - b.span.start ||
      (a.code < b.code ? -1 : a.code > b.code ? 1 : 0),
  );
}

// DSL checker: collects diagnostics. The checker never throws on user input; every problem becomes a
// Diagnostic from the catalogue (codes in src/dsl/diagnostics/check-codes.ts).

import { type DiagnosticArgs, diagnostic } from "../diagnostics/catalogue.ts";
import type { CheckCode } from "../diagnostics/check-codes.ts";
import type { Diagnostic } from "../diagnostics/diagnostic.ts";
import type { Span } from "../span.ts";

/** Where checker passes put their diagnostics. */
export class Reporter {
  readonly diagnostics: Diagnostic[] = [];

  report(code: CheckCode, span: Span, args: DiagnosticArgs = {}, hint?: string): void {
    this.diagnostics.push(diagnostic(code, span, args, hint));
  }

  get errorCount(): number {
    return this.diagnostics.filter((d) => d.severity === "error").length;
  }
}

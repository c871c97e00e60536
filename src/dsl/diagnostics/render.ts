// DSL front end, diagnostics: the text form a person reads. Layout:
//   file:line:col: error[V1010]: message / the source line / a caret line / hint: ...
// Printed text never carries control characters; long source lines are clipped around the span.
import { SourceFile } from "../span.ts";
import type { Diagnostic } from "./diagnostic.ts";
import { safeText, sourceExcerpt } from "./render-line.ts";

/** Source texts by file name, for the source line under each message. */
export type SourceLookup = (file: string) => string | undefined;

/**
 * Renders one diagnostic, e.g.
 * ```
 * rules.vigil:3:14: error[V1010]: expected `:`, found `amount`
 *   match small amount < 2
 *               ^^^^^^
 * hint: a step is written `name: condition`
 * ```
 */
export function renderDiagnostic(d: Diagnostic, source: string | SourceFile | undefined): string {
  const head = safeText(
    `${d.span.file}:${d.span.line}:${d.span.col}: ${d.severity}[${d.code}]: ${d.message}`,
  );
  const lines = [head];
  const file =
    source === undefined
      ? undefined
      : typeof source === "string"
        ? new SourceFile(d.span.file, source)
        : source;
  if (file !== undefined) {
    const excerpt = sourceExcerpt(file.lineText(d.span.line), d.span.col - 1, d.span.end - d.span.start);
    lines.push(`  ${excerpt.text}`, `  ${excerpt.caret}`);
  }
  if (d.hint !== undefined) lines.push(`hint: ${safeText(d.hint)}`);
  return lines.join("\n");
}

/** Renders many diagnostics, separated by blank lines, looking each file's text up once. */
export function renderDiagnostics(diagnostics: readonly Diagnostic[], lookup: SourceLookup): string {
  const files = new Map<string, SourceFile | undefined>();
  const fileFor = (name: string): SourceFile | undefined => {
    if (!files.has(name)) {
      const text = lookup(name);
      files.set(name, text === undefined ? undefined : new SourceFile(name, text));
    }
    return files.get(name);
  };
  return diagnostics.map((d) => renderDiagnostic(d, fileFor(d.span.file))).join("\n\n");
}

// DSL front end, diagnostics: the text form a person reads. Layout:
//   file:line:col: error[V1010]: message / the source line / a caret line / hint: ...
import { SourceFile } from "../span.ts";
import type { Diagnostic } from "./diagnostic.ts";

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
  const head = `${d.span.file}:${d.span.line}:${d.span.col}: ${d.severity}[${d.code}]: ${d.message}`;
  const lines = [head];
  const file =
    source === undefined
      ? undefined
      : typeof source === "string"
        ? new SourceFile(d.span.file, source)
        : source;
  if (file !== undefined) {
    const text = file.lineText(d.span.line).replace(/\t/g, " ");
    const lineEnd = d.span.start - (d.span.col - 1) + text.length;
    const width = Math.max(1, Math.min(d.span.end, lineEnd) - d.span.start);
    lines.push(`  ${text}`, `  ${" ".repeat(d.span.col - 1)}${"^".repeat(width)}`);
  }
  if (d.hint !== undefined) lines.push(`hint: ${d.hint}`);
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

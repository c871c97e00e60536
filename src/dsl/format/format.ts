// DSL front end, fmt: the canonical printer. `format` refuses (returns diagnostics) when the text does
// not parse cleanly, so it never drops code. Guarantees: format(format(x)) == format(x), and
// parse(format(x)) equals parse(x) modulo spans and comment placement.
import type { Program } from "../ast/index.ts";
import { type Diagnostic, hasErrors } from "../diagnostics/diagnostic.ts";
import { parse } from "../parse.ts";
import { BLANK, type LayoutContext, type Line, renderLines } from "./lines.ts";
import { printDecl } from "./print-decls.ts";

export interface FormatResult {
  /** The formatted text; null when the input has syntax errors. */
  readonly output: string | null;
  readonly diagnostics: readonly Diagnostic[];
}

/** Formats rule text, e.g. `format("param  x=1", "a.vigil").output === "param x = 1\n"`. */
export function format(text: string, file: string): FormatResult {
  const { program, diagnostics } = parse(text, file);
  if (hasErrors(diagnostics)) return { output: null, diagnostics };
  return { output: formatProgram(program), diagnostics };
}

/** Prints a program that parsed without errors: declarations separated by one blank line (consecutive params, and includes, stay together). */
export function formatProgram(program: Program): string {
  const lines: Line[] = [];
  const ctx: LayoutContext = {
    commentWithin: (start, end) => program.comments.some((c) => c.span.start >= start && c.span.start < end),
  };
  let previous: string | null = null;
  for (const d of program.decls) {
    const printed = printDecl(d, ctx);
    if (printed.length === 0) continue;
    const grouped = d.kind === previous && (d.kind === "ParamDecl" || d.kind === "IncludeDecl");
    if (lines.length > 0 && !grouped) lines.push(BLANK);
    previous = d.kind;
    lines.push(...printed);
  }
  return renderLines(lines, program.comments);
}

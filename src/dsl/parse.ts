// DSL front end, public API: rule text in, AST and diagnostics out. Never throws on user input and
// always terminates: the lexer is linear, the parser consumes a token per step and bounds recursion.
import type { Program } from "./ast/index.ts";
import { diagnostic } from "./diagnostics/catalogue.ts";
import { type Diagnostic, sortDiagnostics } from "./diagnostics/diagnostic.ts";
import { lex } from "./lexer/lexer.ts";
import { Cursor, MAX_ERRORS } from "./parser/cursor.ts";
import { parseDeclarations } from "./parser/declarations.ts";
import { SourceFile } from "./span.ts";

export interface ParseResult {
  readonly program: Program;
  readonly diagnostics: readonly Diagnostic[];
}

/** Parses one `.vigil` file, e.g. `parse("param x = 1", "a.vigil").program.decls[0].kind === "ParamDecl"`. */
export function parse(text: string, file: string): ParseResult {
  const source = new SourceFile(file, text);
  const lexed = lex(source);
  const cursor = new Cursor(lexed.tokens);
  let decls: Program["decls"] = [];
  try {
    decls = parseDeclarations(cursor);
  } catch (e) {
    // A fault in the parser itself (a RangeError, a bug): a diagnostic rather than a crash.
    const detail = e instanceof Error ? e.message : String(e);
    cursor.diagnostics.push(diagnostic("V1099", source.span(0, 0), { detail }));
  }
  const program: Program = {
    kind: "Program",
    file,
    decls,
    comments: lexed.comments,
    span: source.span(0, text.length),
  };
  const diagnostics = capped(sortDiagnostics([...lexed.diagnostics, ...cursor.diagnostics]));
  return { program, diagnostics };
}

/** At most MAX_ERRORS diagnostics, then one V1018 saying the rest were dropped. */
function capped(diagnostics: Diagnostic[]): readonly Diagnostic[] {
  const extra = diagnostics[MAX_ERRORS];
  if (extra === undefined) return diagnostics;
  const kept = diagnostics.slice(0, MAX_ERRORS).filter((d) => d.code !== "V1018");
  return [...kept, diagnostic("V1018", extra.span, { max: MAX_ERRORS })];
}

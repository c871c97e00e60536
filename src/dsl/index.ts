// DSL front end, public surface: parse rule text, format it, dump its AST, render diagnostics.
// The checker (src/dsl/check) and the compiler API (src/plan/compile.ts) build on these.
export type * as ast from "./ast/index.ts";
export { CATALOGUE, diagnostic } from "./diagnostics/catalogue.ts";
export type { Diagnostic, Severity } from "./diagnostics/diagnostic.ts";
export { hasErrors, sortDiagnostics } from "./diagnostics/diagnostic.ts";
export { renderDiagnostic, renderDiagnostics } from "./diagnostics/render.ts";
export { type FormatResult, format, formatProgram } from "./format/format.ts";
export { type ParseResult, parse } from "./parse.ts";
export { printAst } from "./print-ast.ts";
export { SourceFile, type Span } from "./span.ts";

// Test helpers for the DSL front end: esbuild-style one-line expectations.
import assert from "node:assert/strict";
import { parse } from "../../src/dsl/parse.ts";
import { printAst, sexpr } from "../../src/dsl/print-ast.ts";

/** Diagnostics as `file:line:col: severity[code]: message` lines. */
export function errorsOf(input: string): string {
  return parse(input, "<stdin>")
    .diagnostics.map(
      (d) => `${d.span.file}:${d.span.line}:${d.span.col}: ${d.severity}[${d.code}]: ${d.message}`,
    )
    .join("\n");
}

export function expectParseError(input: string, expected: string): void {
  assert.equal(errorsOf(input), expected, `input: ${input.slice(0, 200)}`);
}

export function expectNoErrors(input: string): void {
  assert.equal(errorsOf(input), "", `input: ${input.slice(0, 200)}`);
}

/** Parses `param p = <expr>` and returns the expression as an s-expression. */
export function exprOf(expr: string): string {
  const { program, diagnostics } = parse(`param p = ${expr}`, "<stdin>");
  assert.deepEqual(diagnostics, [], `input: ${expr}`);
  const d = program.decls[0];
  assert.ok(d?.kind === "ParamDecl");
  return sexpr(d.value);
}

export function expectExpr(expr: string, expected: string): void {
  assert.equal(exprOf(expr), expected, `input: ${expr}`);
}

/** The span-free dump of a clean parse. */
export function astOf(input: string): string {
  const { program, diagnostics } = parse(input, "<stdin>");
  assert.deepEqual(diagnostics, [], `input: ${input.slice(0, 200)}`);
  return printAst(program, { comments: false });
}

/** A rule around a pattern, for pattern tests. */
export function ruleWith(clauses: string): string {
  return `rule r from s ${clauses} emit to "o" { x }`;
}

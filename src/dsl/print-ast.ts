// DSL front end, debugging: a span-free text dump of the AST, one node per line, expressions as
// s-expressions. Used by golden files and to compare trees (parse(fmt(x)) against parse(x)).
import type { Expr, Node, Program } from "./ast/index.ts";

/**
 * Dumps a program, e.g. `param x = 1 + 2` gives
 * ```
 * Program
 *   ParamDecl name=x value=(+ 1 2)
 * ```
 */
export function printAst(program: Program, options: { comments?: boolean } = {}): string {
  const lines: string[] = ["Program"];
  for (const d of program.decls) dumpNode(d, 1, lines);
  if (options.comments !== false) for (const c of program.comments) lines.push(`  -- ${c.text}`);
  return lines.join("\n");
}

type Field = readonly [string, unknown];

function dumpNode(node: Node, depth: number, lines: string[]): void {
  const indent = "  ".repeat(depth);
  const inline: string[] = [];
  const children: Field[] = [];
  for (const [key, value] of Object.entries(node)) {
    if (key === "kind" || key === "span") continue;
    if (isNode(value) && !isInlineNode(value)) children.push([key, value]);
    else if (Array.isArray(value) && value.some((v) => isNode(v) && !isInlineNode(v)))
      children.push([key, value]);
    else inline.push(`${key}=${inlineValue(value)}`);
  }
  lines.push(`${indent}${node.kind}${inline.length > 0 ? ` ${inline.join(" ")}` : ""}`);
  for (const [key, value] of children) {
    const items = Array.isArray(value) ? value : [value];
    lines.push(`${indent}  ${key}:`);
    for (const item of items) dumpNode(item as Node, depth + 2, lines);
  }
}

function isNode(v: unknown): v is Node {
  return (
    typeof v === "object" && v !== null && "kind" in v && typeof (v as { kind: unknown }).kind === "string"
  );
}

const INLINE_KINDS: ReadonlySet<string> = new Set(["Ident", "NamedType", "ArrayType"]);

function isInlineNode(n: Node): boolean {
  if (n.kind === "ArrayType") return isInlineNode(n.element);
  return isExprKind(n) || INLINE_KINDS.has(n.kind);
}

function isExprKind(n: Node): n is Expr {
  return EXPR_KINDS.has(n.kind);
}

const EXPR_KINDS: ReadonlySet<string> = new Set([
  "IntLit",
  "FloatLit",
  "StringLit",
  "BoolLit",
  "NullLit",
  "DurationLit",
  "NameRef",
  "FieldAccess",
  "Unary",
  "Binary",
  "In",
  "Between",
  "IsNull",
  "Call",
  "ErrorExpr",
]);

function inlineValue(v: unknown): string {
  if (v === null) return "-";
  if (Array.isArray(v)) return `[${v.map(inlineValue).join(", ")}]`;
  if (isNode(v)) {
    if (v.kind === "Ident") return v.name;
    if (v.kind === "NamedType") return v.name;
    if (v.kind === "ArrayType") return `array<${inlineValue(v.element)}>`;
    if (isExprKind(v)) return sexpr(v);
  }
  return typeof v === "string" ? v : JSON.stringify(v);
}

/** An expression as an s-expression: `(and (> amount 2) (!= merchant small.merchant))`. */
export function sexpr(e: Expr): string {
  switch (e.kind) {
    case "IntLit":
      return String(e.value);
    case "FloatLit":
      return `${e.value}f`;
    case "StringLit":
      return JSON.stringify(e.value);
    case "BoolLit":
      return String(e.value);
    case "NullLit":
      return "null";
    case "DurationLit":
      return `${e.amount}${e.unit}`;
    case "NameRef":
      return e.name;
    case "FieldAccess":
      return `${sexpr(e.object)}.${e.field.name}`;
    case "Unary":
      return `(${e.op} ${sexpr(e.operand)})`;
    case "Binary":
      return `(${e.op} ${sexpr(e.left)} ${sexpr(e.right)})`;
    case "In":
      return `(${e.negated ? "not-in" : "in"} ${sexpr(e.operand)} ${e.list.map(sexpr).join(" ")})`;
    case "Between":
      return `(${e.negated ? "not-between" : "between"} ${sexpr(e.operand)} ${sexpr(e.low)} ${sexpr(e.high)})`;
    case "IsNull":
      return `(${e.negated ? "is-not-null" : "is-null"} ${sexpr(e.operand)})`;
    case "Call":
      return `(call ${e.callee.name}${e.distinct ? " distinct" : ""}${e.args.map((a) => ` ${sexpr(a)}`).join("")})`;
    case "ErrorExpr":
      return "<error>";
  }
}

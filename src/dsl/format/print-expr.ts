// DSL front end, fmt: expressions back to text with the fewest parentheses that keep the tree:
// parse(printExpr(e)) is e again (modulo spans).
import type { Expr, FloatLit, StringLit, TypeExpr } from "../ast/index.ts";

const PREC = { or: 1, and: 2, not: 3, compare: 4, add: 5, mul: 6, neg: 7, postfix: 8, atom: 9 } as const;

function precOf(e: Expr): number {
  switch (e.kind) {
    case "Binary":
      if (e.op === "or") return PREC.or;
      if (e.op === "and") return PREC.and;
      if (e.op === "+" || e.op === "-") return PREC.add;
      if (e.op === "*" || e.op === "/" || e.op === "%") return PREC.mul;
      return PREC.compare;
    case "Unary":
      return e.op === "not" ? PREC.not : PREC.neg;
    case "In":
    case "Between":
    case "IsNull":
      return PREC.compare;
    case "FieldAccess":
    case "Call":
      return PREC.postfix;
    default:
      return PREC.atom;
  }
}

/** Prints `e`, parenthesised when its precedence is below `min`. */
export function printExpr(e: Expr, min = 0): string {
  const text = printBare(e);
  return precOf(e) < min ? `(${text})` : text;
}

function printBinary(e: Extract<Expr, { kind: "Binary" }>): string {
  const p = precOf(e);
  // Left-associative levels: the right operand needs a strictly higher level; comparisons chain on neither side.
  const leftMin = p === PREC.compare ? p + 1 : p;
  return `${printOperand(e, e.left, leftMin)} ${e.op} ${printOperand(e, e.right, p + 1)}`;
}

/** Like printExpr, but an `and` directly under an `or` is always parenthesised, so it cannot be misread. */
function printOperand(parent: Expr, child: Expr, min: number): string {
  const andUnderOr =
    parent.kind === "Binary" && parent.op === "or" && child.kind === "Binary" && child.op === "and";
  return andUnderOr ? `(${printBare(child)})` : printExpr(child, min);
}

/**
 * The operands of a top-level `and` (or `or`) chain, printed, for breaking a long condition over
 * lines: `a and b and c` gives `{ op: "and", parts: ["a", "b", "c"] }`; null when `e` is no such chain.
 */
export function splitChain(e: Expr): { op: "and" | "or"; parts: string[] } | null {
  if (e.kind !== "Binary" || (e.op !== "and" && e.op !== "or")) return null;
  const op = e.op;
  const operands: Expr[] = [];
  let cur: Expr = e;
  while (cur.kind === "Binary" && cur.op === op) {
    operands.unshift(cur.right);
    cur = cur.left;
  }
  operands.unshift(cur);
  const min = op === "and" ? PREC.and + 1 : PREC.or + 1;
  return { op, parts: operands.map((x) => printOperand(e, x, min)) };
}

function printBare(e: Expr): string {
  switch (e.kind) {
    case "IntLit":
      return String(e.value);
    case "FloatLit":
      return printFloat(e);
    case "StringLit":
      return printString(e);
    case "BoolLit":
      return String(e.value);
    case "NullLit":
      return "null";
    case "DurationLit":
      return `${e.amount}${e.unit}`;
    case "NameRef":
      return e.name;
    case "FieldAccess":
      return `${printExpr(e.object, PREC.postfix)}.${e.field.name}`;
    case "Unary":
      return printUnary(e);
    case "Binary":
      return printBinary(e);
    case "In":
      return `${printExpr(e.operand, PREC.add)} ${e.negated ? "not in" : "in"} (${e.list.map((x) => printExpr(x)).join(", ")})`;
    case "Between": {
      const op = e.negated ? "not between" : "between";
      return `${printExpr(e.operand, PREC.add)} ${op} ${printExpr(e.low, PREC.add)} and ${printExpr(e.high, PREC.add)}`;
    }
    case "IsNull":
      return `${printExpr(e.operand, PREC.add)} ${e.negated ? "is not null" : "is null"}`;
    case "Call":
      return `${e.callee.name}(${e.distinct ? "distinct " : ""}${e.args.map((a) => printExpr(a)).join(", ")})`;
    case "ErrorExpr":
      return "<error>";
  }
}

function printUnary(e: Extract<Expr, { kind: "Unary" }>): string {
  if (e.op === "not") return `not ${printExpr(e.operand, PREC.not)}`;
  const operand = printExpr(e.operand, PREC.neg);
  // `--` would start a comment.
  return operand.startsWith("-") ? `- ${operand}` : `-${operand}`;
}

function printFloat(e: FloatLit): string {
  const s = String(e.value);
  return /[.e]/.test(s) ? s : `${s}.0`;
}

/** A string literal with only the escapes the lexer reads back. */
export function printString(s: StringLit): string {
  let out = '"';
  for (const ch of s.value) {
    const cp = ch.codePointAt(0) ?? 0;
    if (ch === '"') out += '\\"';
    else if (ch === "\\") out += "\\\\";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\t") out += "\\t";
    else if (ch === "\r") out += "\\r";
    else if (cp < 32 || cp === 127 || (cp >= 0xd800 && cp <= 0xdfff)) out += `\\u{${cp.toString(16)}}`;
    else out += ch;
  }
  return `${out}"`;
}

/** A type as written in a schema; records inline: `{ lat: float, lon: float }`. */
export function printType(t: TypeExpr): string {
  switch (t.kind) {
    case "NamedType":
      return t.name;
    case "ArrayType":
      return `array<${printType(t.element)}>`;
    case "RecordType":
      if (t.fields.length === 0) return "{}";
      return `{ ${t.fields.map((f) => `${f.name.name}: ${printFieldType(f)}`).join(", ")} }`;
  }
}

/** `type`, `type?`, `type = default`, `type? = default`. */
export function printFieldType(f: {
  readonly type: TypeExpr;
  readonly optional: boolean;
  readonly defaultValue: Expr | null;
}): string {
  const def = f.defaultValue === null ? "" : ` = ${printExpr(f.defaultValue)}`;
  return `${printType(f.type)}${f.optional ? "?" : ""}${def}`;
}

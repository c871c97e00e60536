// DSL front end, parser: expressions by precedence climbing, one function per level (lowest first):
// or, and, not, comparison (non-associative), + -, * / %, unary -, postfix (.field, calls), primary.
// Recursion is bounded by MAX_DEPTH; long flat chains are loops.
import type { BinaryOp, Call, Expr, Ident } from "../ast/index.ts";
import { RESERVED_WORDS } from "../lexer/token.ts";
import { joinSpans, type Span } from "../span.ts";
import { type Cursor, durationLit, MAX_DEPTH } from "./cursor.ts";

const COMPARISON: Readonly<Record<string, BinaryOp>> = {
  "=": "=",
  "==": "=",
  "!=": "!=",
  "<>": "!=",
  "<": "<",
  "<=": "<=",
  ">": ">",
  ">=": ">=",
};
/** Words that start a clause: on a line of their own they end an unfinished expression. */
const CLAUSE_WORDS: ReadonlySet<string> = new Set([
  "from",
  "join",
  "left",
  "where",
  "partition",
  "window",
  "match",
  "emit",
  "having",
  "aggregate",
  "within",
  "stream",
  "table",
  "param",
  "rule",
  "include",
]);
const ADDITIVE: ReadonlySet<string> = new Set(["+", "-"]);
const MULTIPLICATIVE: ReadonlySet<string> = new Set(["*", "/", "%"]);

/** Parses one expression, e.g. `amount > big_amount and merchant != small.merchant`. */
export function parseExpr(c: Cursor): Expr {
  return nested(c, () => parseOr(c));
}

function nested<T>(c: Cursor, parse: () => T): T {
  if (c.depth >= MAX_DEPTH) c.fail("V1014", c.token.span, { max: MAX_DEPTH });
  c.depth++;
  try {
    return parse();
  } finally {
    c.depth--;
  }
}

/**
 * A left-associative chain of `n` operators builds a tree `n` deep (later stages recurse over it), so
 * it counts against MAX_DEPTH like nesting does. Returns `left` unchanged.
 */
function chained(c: Cursor, n: number, left: Expr): Expr {
  if (c.depth + n > MAX_DEPTH)
    c.fail("V1014", c.previous.span, { max: MAX_DEPTH }, "split the condition, or use `in (...)`");
  return left;
}

function binary(op: BinaryOp, left: Expr, right: Expr): Expr {
  return { kind: "Binary", op, left, right, span: joinSpans(left.span, right.span) };
}

function parseOr(c: Cursor): Expr {
  let left = parseAnd(c);
  for (let n = 1; c.eatWord("or"); n++) left = binary("or", chained(c, n, left), parseAnd(c));
  return left;
}

function parseAnd(c: Cursor): Expr {
  let left = parseNot(c);
  for (let n = 1; c.eatWord("and"); n++) left = binary("and", chained(c, n, left), parseNot(c));
  return left;
}

function parseNot(c: Cursor): Expr {
  if (!c.isWord("not")) return parseComparison(c);
  const start = c.next().span;
  const operand = nested(c, () => parseNot(c));
  return { kind: "Unary", op: "not", operand, span: joinSpans(start, operand.span) };
}

function parseComparison(c: Cursor): Expr {
  const left = parseAdditive(c);
  const result = parseComparisonTail(c, left);
  if (result !== left && startsComparison(c)) {
    c.fail(
      "V1016",
      c.token.span,
      { what: "comparisons do not chain:", found: `\`${c.token.text}\`` },
      "combine comparisons with `and`",
    );
  }
  return result;
}

function startsComparison(c: Cursor): boolean {
  const t = c.token;
  if (t.kind === "punct") return t.text in COMPARISON;
  if (c.isWord("not")) return c.isWord("in", 1) || c.isWord("between", 1);
  return c.isWord("in") || c.isWord("between") || c.isWord("is");
}

function parseComparisonTail(c: Cursor, left: Expr): Expr {
  const t = c.token;
  if (t.kind === "punct" && t.text in COMPARISON) {
    c.next();
    return binary(COMPARISON[t.text] ?? "=", left, parseAdditive(c));
  }
  const negated = c.isWord("not") && (c.isWord("in", 1) || c.isWord("between", 1));
  if (negated) c.next();
  if (c.eatWord("in")) return parseInList(c, left, negated);
  if (c.eatWord("between")) {
    const low = parseAdditive(c);
    c.expectWord("and", "write `x between low and high`");
    const high = parseAdditive(c);
    return { kind: "Between", operand: left, low, high, negated, span: joinSpans(left.span, high.span) };
  }
  if (c.eatWord("is")) {
    const isNot = c.eatWord("not");
    c.expectWord("null", "write `x is null` or `x is not null`");
    return { kind: "IsNull", operand: left, negated: isNot, span: c.spanFrom(left.span) };
  }
  return left;
}

function parseInList(c: Cursor, operand: Expr, negated: boolean): Expr {
  c.expectPunct("(", "a list is written in parentheses: x in (1, 2, 3)");
  const list: Expr[] = [];
  if (!c.isPunct(")")) {
    do list.push(parseExpr(c));
    while (c.eatPunct(",") && !c.isPunct(")"));
  }
  c.expectPunct(")", "close the list with `)`");
  return { kind: "In", operand, list, negated, span: c.spanFrom(operand.span) };
}

function parseAdditive(c: Cursor): Expr {
  let left = parseMultiplicative(c);
  for (let n = 1; c.token.kind === "punct" && ADDITIVE.has(c.token.text); n++) {
    const op = c.next().text as BinaryOp;
    left = binary(op, chained(c, n, left), parseMultiplicative(c));
  }
  return left;
}

function parseMultiplicative(c: Cursor): Expr {
  let left = parseUnaryMinus(c);
  for (let n = 1; c.token.kind === "punct" && MULTIPLICATIVE.has(c.token.text); n++) {
    const op = c.next().text as BinaryOp;
    left = binary(op, chained(c, n, left), parseUnaryMinus(c));
  }
  return left;
}

function parseUnaryMinus(c: Cursor): Expr {
  if (!c.isPunct("-")) return parsePostfix(c);
  const start = c.next().span;
  const operand = nested(c, () => parseUnaryMinus(c));
  return { kind: "Unary", op: "-", operand, span: joinSpans(start, operand.span) };
}

function parsePostfix(c: Cursor): Expr {
  let expr = parsePrimary(c);
  for (let n = 1; c.isPunct("."); n++) {
    chained(c, n, expr);
    c.next();
    const field: Ident = c.expectIdent("a field name after `.`");
    expr = { kind: "FieldAccess", object: expr, field, span: joinSpans(expr.span, field.span) };
  }
  return expr;
}

function parsePrimary(c: Cursor): Expr {
  const t = c.token;
  switch (t.kind) {
    case "int":
      c.next();
      return { kind: "IntLit", value: Number(t.value), span: t.span };
    case "float":
      c.next();
      return { kind: "FloatLit", value: Number(t.value), span: t.span };
    case "string":
      c.next();
      return { kind: "StringLit", value: String(t.value), span: t.span };
    case "duration":
      c.next();
      return durationLit(t);
    case "ident":
      return parseWord(c);
    default:
      if (c.eatPunct("(")) {
        const inner = parseExpr(c);
        c.expectPunct(")", "close the parenthesis");
        return inner;
      }
      return c.expected("an expression");
  }
}

function parseWord(c: Cursor): Expr {
  const t = c.token;
  if (t.text === "true" || t.text === "false") {
    c.next();
    return { kind: "BoolLit", value: t.text === "true", span: t.span };
  }
  if (t.text === "null") {
    c.next();
    return { kind: "NullLit", span: t.span };
  }
  if (RESERVED_WORDS.has(t.text)) return c.expected("an expression");
  if (startsClause(c)) return c.expected("an expression");
  c.next();
  if (c.isPunct("(")) return parseCall(c, { kind: "Ident", name: t.text, span: t.span });
  return { kind: "NameRef", name: t.text, span: t.span };
}

/** A clause word where an operand was expected: on a line of its own, or followed by its own syntax. */
function startsClause(c: Cursor): boolean {
  const t = c.token;
  if (!CLAUSE_WORDS.has(t.text) || c.isPunct(".", 1) || c.isPunct("(", 1)) return false;
  if (t.firstOnLine) return true;
  const next = c.peek(1);
  const follows = CLAUSE_FOLLOWERS[t.text];
  return follows !== undefined && next.kind === "ident" && follows.includes(next.text);
}

const CLAUSE_FOLLOWERS: Readonly<Record<string, readonly string[]>> = {
  emit: ["to", "changes", "final"],
  partition: ["by"],
  window: ["tumbling", "hopping", "sliding", "session"],
  left: ["join"],
};

function parseCall(c: Cursor, callee: Ident): Call {
  c.expectPunct("(");
  const distinct = c.isWord("distinct") && !c.isPunct(")", 1) && !c.isPunct(",", 1);
  if (distinct) c.next();
  const args: Expr[] = [];
  if (!c.isPunct(")")) {
    do args.push(parseExpr(c));
    while (c.eatPunct(","));
  }
  c.expectPunct(")", `close the call to \`${callee.name}\` with \`)\``);
  const span: Span = c.spanFrom(callee.span);
  return { kind: "Call", callee, args, distinct, span };
}

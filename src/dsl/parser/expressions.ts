// DSL front end, parser: expressions by precedence climbing, one function per level (lowest first):
// or, and, not, comparison (non-associative), + -, * / %, unary -, postfix (.field, calls), primary.
// Recursion is bounded by MAX_DEPTH; long flat chains are loops.
import type { BinaryOp, Call, Expr, Ident } from "../ast/index.ts";
import { CLAUSE_WORDS, RESERVED_WORDS } from "../lexer/token.ts";
import { joinSpans, type Span } from "../span.ts";
import { type Cursor, durationLit, MAX_DEPTH, MAX_HEIGHT } from "./cursor.ts";

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

/** Height of each composite expression built so far (leaves are 1). */
const HEIGHTS = new WeakMap<Expr, number>();

/**
 * Records `node`'s height (1 + its tallest child). Flat chains (`a + b + c ...`) build trees as deep
 * as they are long and later stages recurse over trees, so height, not only nesting, is bounded.
 */
function grown<T extends Expr>(c: Cursor, node: T, children: readonly Expr[]): T {
  let tallest = 0;
  for (const x of children) tallest = Math.max(tallest, HEIGHTS.get(x) ?? 1);
  if (tallest + 1 > MAX_HEIGHT) {
    c.fail("V1014", node.span, { max: MAX_HEIGHT }, "split the expression, or use `in (...)`");
  }
  HEIGHTS.set(node, tallest + 1);
  return node;
}

function binary(c: Cursor, op: BinaryOp, left: Expr, right: Expr): Expr {
  return grown(c, { kind: "Binary", op, left, right, span: joinSpans(left.span, right.span) }, [left, right]);
}

function parseOr(c: Cursor): Expr {
  let left = parseAnd(c);
  while (c.eatWord("or")) left = binary(c, "or", left, parseAnd(c));
  return left;
}

function parseAnd(c: Cursor): Expr {
  let left = parseNot(c);
  while (c.eatWord("and")) left = binary(c, "and", left, parseNot(c));
  return left;
}

function parseNot(c: Cursor): Expr {
  if (!c.isWord("not")) return parseComparison(c);
  const start = c.next().span;
  const operand = nested(c, () => parseNot(c));
  return grown(c, { kind: "Unary", op: "not", operand, span: joinSpans(start, operand.span) }, [operand]);
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
    return binary(c, COMPARISON[t.text] ?? "=", left, parseAdditive(c));
  }
  const negated = c.isWord("not") && (c.isWord("in", 1) || c.isWord("between", 1));
  if (negated) c.next();
  if (c.eatWord("in")) return parseInList(c, left, negated);
  if (c.eatWord("between")) {
    const low = parseAdditive(c);
    c.expectWord("and", "write `x between low and high`");
    const high = parseAdditive(c);
    const span = joinSpans(left.span, high.span);
    return grown(c, { kind: "Between", operand: left, low, high, negated, span }, [left, low, high]);
  }
  if (c.eatWord("is")) {
    const isNot = c.eatWord("not");
    c.expectWord("null", "write `x is null` or `x is not null`");
    return grown(c, { kind: "IsNull", operand: left, negated: isNot, span: c.spanFrom(left.span) }, [left]);
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
  return grown(c, { kind: "In", operand, list, negated, span: c.spanFrom(operand.span) }, [operand, ...list]);
}

function parseAdditive(c: Cursor): Expr {
  let left = parseMultiplicative(c);
  while (c.token.kind === "punct" && ADDITIVE.has(c.token.text)) {
    const op = c.next().text as BinaryOp;
    left = binary(c, op, left, parseMultiplicative(c));
  }
  return left;
}

function parseMultiplicative(c: Cursor): Expr {
  let left = parseUnaryMinus(c);
  while (c.token.kind === "punct" && MULTIPLICATIVE.has(c.token.text)) {
    const op = c.next().text as BinaryOp;
    left = binary(c, op, left, parseUnaryMinus(c));
  }
  return left;
}

function parseUnaryMinus(c: Cursor): Expr {
  if (!c.isPunct("-")) return parsePostfix(c);
  const start = c.next().span;
  const operand = nested(c, () => parseUnaryMinus(c));
  return grown(c, { kind: "Unary", op: "-", operand, span: joinSpans(start, operand.span) }, [operand]);
}

function parsePostfix(c: Cursor): Expr {
  let expr = parsePrimary(c);
  while (c.isPunct(".")) {
    expr;
    c.next();
    const field: Ident = c.expectIdent("a field name after `.`");
    expr = grown(c, { kind: "FieldAccess", object: expr, field, span: joinSpans(expr.span, field.span) }, [
      expr,
    ]);
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
  return grown(c, { kind: "Call", callee, args, distinct, span }, args);
}

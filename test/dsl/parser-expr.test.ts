// Parser, expressions: precedence, associativity and every expression form, one case per line.
import { test } from "node:test";
import { expectExpr, expectParseError } from "./helpers.ts";

test("expressions: literals and names", () => {
  expectExpr("42", "42");
  expectExpr("1.5", "1.5f");
  expectExpr('"a b"', '"a b"');
  expectExpr("true", "true");
  expectExpr("false", "false");
  expectExpr("null", "null");
  expectExpr("30s", "30s");
  expectExpr("amount", "amount");
  expectExpr("small.amount", "small.amount");
  expectExpr("a.b.c", "a.b.c");
});

test("expressions: precedence and associativity", () => {
  expectExpr("1 + 2 * 3", "(+ 1 (* 2 3))");
  expectExpr("(1 + 2) * 3", "(* (+ 1 2) 3)");
  expectExpr("1 - 2 - 3", "(- (- 1 2) 3)");
  expectExpr("1 - (2 - 3)", "(- 1 (- 2 3))");
  expectExpr("a / b % c", "(% (/ a b) c)");
  expectExpr("-a * b", "(* (- a) b)");
  expectExpr("- -a", "(- (- a))");
  expectExpr("a + b > c * 2", "(> (+ a b) (* c 2))");
  expectExpr("a = 1 and b = 2 or c", "(or (and (= a 1) (= b 2)) c)");
  expectExpr("a or b and c", "(or a (and b c))");
  expectExpr("not a and b", "(and (not a) b)");
  expectExpr("not a = b", "(not (= a b))");
  expectExpr("not not a", "(not (not a))");
  expectExpr("a and (b or c)", "(and a (or b c))");
});

test("expressions: comparison operators", () => {
  expectExpr("a = b", "(= a b)");
  expectExpr("a == b", "(= a b)");
  expectExpr("a != b", "(!= a b)");
  expectExpr("a <> b", "(!= a b)");
  expectExpr("a < b", "(< a b)");
  expectExpr("a <= b", "(<= a b)");
  expectExpr("a > b", "(> a b)");
  expectExpr("a >= b", "(>= a b)");
});

test("expressions: in, between, is null", () => {
  expectExpr('country in ("NL", "BE")', '(in country "NL" "BE")');
  expectExpr("x not in (1, 2,)", "(not-in x 1 2)");
  expectExpr("x in ()", "(in x )");
  expectExpr("amount between 1 and 10", "(between amount 1 10)");
  expectExpr("amount not between 1 and 10 and ok", "(and (not-between amount 1 10) ok)");
  expectExpr("a + 1 between b - 1 and c * 2", "(between (+ a 1) (- b 1) (* c 2))");
  expectExpr("device_id is null", "(is-null device_id)");
  expectExpr("device_id is not null", "(is-not-null device_id)");
  expectExpr("not x is null", "(not (is-null x))");
});

test("expressions: calls and postfix access", () => {
  expectExpr("count()", "(call count)");
  expectExpr("sum(small.amount)", "(call sum small.amount)");
  expectExpr("count(distinct merchant)", "(call count distinct merchant)");
  expectExpr("count(distinct)", "(call count distinct)");
  expectExpr("last(small).ts", "(call last small).ts");
  expectExpr("first(small).ts - last(small).ts", "(- (call first small).ts (call last small).ts)");
  expectExpr(
    "geo_distance(a.lat, a.lon, b.lat, b.lon) > 500",
    "(> (call geo_distance a.lat a.lon b.lat b.lon) 500)",
  );
  expectExpr("coalesce(a, 0)", "(call coalesce a 0)");
  expectExpr('lower(x) = "a"', '(= (call lower x) "a")');
  expectExpr("f(g(h(1)))", "(call f (call g (call h 1)))");
});

test("expressions: errors", () => {
  expectParseError("param p = a < b < c", "<stdin>:1:17: error[V1016]: comparisons do not chain: `<`");
  expectParseError("param p = a = b != c", "<stdin>:1:17: error[V1016]: comparisons do not chain: `!=`");
  expectParseError("param p = 1 +", "<stdin>:1:14: error[V1010]: expected an expression, found end of file");
  expectParseError("param p = (1 + 2", "<stdin>:1:17: error[V1010]: expected `)`, found end of file");
  expectParseError("param p = f(1, 2", "<stdin>:1:17: error[V1010]: expected `)`, found end of file");
  expectParseError(
    "param p = a.",
    "<stdin>:1:13: error[V1010]: expected a field name after `.`, found end of file",
  );
  expectParseError(
    "param p = a.and",
    "<stdin>:1:13: error[V1010]: expected a field name after `.`, found `and`",
  );
  expectParseError("param p = and", "<stdin>:1:11: error[V1010]: expected an expression, found `and`");
  expectParseError("param p = x in 1", "<stdin>:1:16: error[V1010]: expected `(`, found `1`");
  expectParseError("param p = x between 1", "<stdin>:1:22: error[V1010]: expected `and`, found end of file");
  expectParseError("param p = x is 1", "<stdin>:1:16: error[V1010]: expected `null`, found `1`");
  expectParseError("param p = x not 1", "<stdin>:1:13: error[V1011]: expected a declaration, found `not`");
});

test("expressions: deep nesting is an error, not a crash", () => {
  const deep = `param p = ${"(".repeat(5000)}1${")".repeat(5000)}`;
  expectParseError(
    deep,
    "<stdin>:1:211: error[V1014]: expression or type nested or chained too deeply (more than 200 levels)",
  );
  const nots = `param p = ${"not ".repeat(5000)}x`;
  expectParseError(
    nots,
    "<stdin>:1:811: error[V1014]: expression or type nested or chained too deeply (more than 200 levels)",
  );
});

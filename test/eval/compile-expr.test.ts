// Eval tests: one table case per semantic rule of compiled expressions (paths, params, arithmetic,
// comparisons, three-valued logic, in/between/is null, calls, step aggregates).
import assert from "node:assert/strict";
import { test } from "node:test";
import type { FieldType } from "../../src/core/schema.ts";
import { T } from "../../src/core/schema.ts";
import type { Value } from "../../src/core/value.ts";
import { compileExpr } from "../../src/eval/compile-expr.ts";
import type { BinaryOp, Expr } from "../../src/plan/expr.ts";

const lit = (value: Value, type: FieldType = T.any): Expr => ({ kind: "literal", value, type });
const field = (...path: string[]): Expr => ({ kind: "field", path, type: T.any });
const bin = (op: BinaryOp, left: Expr, right: Expr, type: FieldType = T.any): Expr => ({
  kind: "binary",
  op,
  left,
  right,
  type,
});
const run = (e: Expr, env: Record<string, Value> = {}, params = new Map<string, Value>()) =>
  compileExpr(e, params)(env);

test("literals, fields and nested paths", () => {
  const env = { p: { amount: 12.5, card: { country: "FR" } } };
  assert.equal(run(lit(3)), 3);
  assert.equal(run(field("p", "amount"), env), 12.5);
  assert.equal(run(field("p", "card", "country"), env), "FR");
  assert.equal(run(field("p", "missing"), env), null);
  assert.equal(run(field("p", "card", "x", "y"), env), null);
  assert.deepEqual(run(field("p"), env), env.p);
  assert.equal(run(field("nobody", "x"), env), null);
});

test("params: the given map overrides the default by name", () => {
  const e: Expr = { kind: "param", name: "limit", defaultValue: 100, type: T.int };
  assert.equal(run(e), 100);
  assert.equal(run(e, {}, new Map([["limit", 7]])), 7);
  assert.equal(run(e, {}, new Map([["other", 7]])), 100);
  assert.equal(run(e, {}, new Map([["limit", "250"]])), 250, "text overrides take the declared type");
  const flag: Expr = { kind: "param", name: "strict", defaultValue: false, type: T.bool };
  assert.equal(run(flag, {}, new Map([["strict", "true"]])), true);
});

test("arithmetic: int vs float division, null propagation, division by zero", () => {
  assert.equal(run(bin("/", lit(7), lit(2), T.int)), 3);
  assert.equal(run(bin("/", lit(-7), lit(2), T.int)), -3);
  assert.equal(run(bin("/", lit(7), lit(2), T.float)), 3.5);
  assert.equal(run(bin("%", lit(7), lit(3), T.int)), 1);
  assert.equal(run(bin("/", lit(7), lit(0), T.int)), null);
  assert.equal(run(bin("+", lit(1), lit(null))), null);
  assert.equal(run(bin("*", lit(null), lit(2))), null);
  assert.equal(run(bin("+", lit("ab"), lit("cd"), T.string)), "abcd");
  assert.equal(run({ kind: "unary", op: "-", operand: lit(4), type: T.int }), -4);
  assert.equal(run({ kind: "unary", op: "-", operand: lit(null), type: T.int }), null);
});

test("comparisons: numbers, strings, null gives null, records by value", () => {
  assert.equal(run(bin("<", lit(1), lit(2))), true);
  assert.equal(run(bin(">=", lit("b"), lit("a"))), true);
  assert.equal(run(bin("<", lit("B"), lit("a"))), true);
  assert.equal(run(bin("=", lit(null), lit(null))), null);
  assert.equal(run(bin("!=", lit(1), lit(null))), null);
  assert.equal(run(bin("=", lit({ a: [1, 2] }), lit({ a: [1, 2] }))), true);
  assert.equal(run(bin("=", lit(1), lit(1.0))), true);
  assert.equal(run(bin("!=", lit("x"), lit("y"))), true);
});

test("three-valued and/or/not", () => {
  const vals: Value[] = [true, false, null];
  const and = (a: Value, b: Value) =>
    a === false || b === false ? false : a === null || b === null ? null : true;
  const or = (a: Value, b: Value) =>
    a === true || b === true ? true : a === null || b === null ? null : false;
  for (const a of vals) {
    for (const b of vals) {
      assert.equal(run(bin("and", lit(a), lit(b))), and(a, b), `${a} and ${b}`);
      assert.equal(run(bin("or", lit(a), lit(b))), or(a, b), `${a} or ${b}`);
    }
    const not = run({ kind: "unary", op: "not", operand: lit(a), type: T.bool });
    assert.equal(not, a === null ? null : !a);
  }
});

test("in, between, is null (with negation and nulls)", () => {
  const inE = (v: Value, list: Value[], negated = false): Expr => ({
    kind: "in",
    operand: lit(v),
    list: list.map((x) => lit(x)),
    negated,
    type: T.bool,
  });
  assert.equal(run(inE("FR", ["DE", "FR"])), true);
  assert.equal(run(inE("IT", ["DE", "FR"])), false);
  assert.equal(run(inE("IT", ["DE", null])), null);
  assert.equal(run(inE("DE", ["DE", null])), true);
  assert.equal(run(inE("IT", ["DE", "FR"], true)), true);
  assert.equal(run(inE(null, ["DE"])), null);
  const btw = (v: Value, lo: Value, hi: Value, negated = false): Expr => ({
    kind: "between",
    operand: lit(v),
    low: lit(lo),
    high: lit(hi),
    negated,
    type: T.bool,
  });
  assert.equal(run(btw(5, 1, 5)), true);
  assert.equal(run(btw(0, 1, 5)), false);
  assert.equal(run(btw(0, 1, 5, true)), true);
  assert.equal(run(btw(3, null, 5)), null);
  assert.equal(run(btw(9, null, 5)), false);
  const isNull = (v: Expr, negated = false): Expr => ({ kind: "is-null", operand: v, negated, type: T.bool });
  assert.equal(run(isNull(lit(null))), true);
  assert.equal(run(isNull(field("p", "x")), { p: {} }), true);
  assert.equal(run(isNull(lit(0), true)), true);
});

test("function calls go through the catalogue; unknown functions fail at compile time", async () => {
  const { FUNCTIONS } = await import("../../src/core/functions.ts");
  const name = "__test_twice";
  (FUNCTIONS as Map<string, unknown>).set(name, {
    name,
    params: [T.float],
    returns: () => T.float,
    doc: "test only",
    impl: (x: Value) => (typeof x === "number" ? x * 2 : null),
  });
  try {
    assert.equal(run({ kind: "call", fn: name, args: [field("p", "a")], type: T.float }, { p: { a: 4 } }), 8);
  } finally {
    (FUNCTIONS as Map<string, unknown>).delete(name);
  }
  assert.throws(() => run({ kind: "call", fn: "__nope", args: [], type: T.any }), /unknown function/);
});

test("step aggregates read $steps with the step bound to each taken event", () => {
  const env = {
    $steps: { small: [{ amount: 1 }, { amount: null }, { amount: 5 }], big: [] },
    small: { amount: 5 },
  };
  const agg = (
    fn: "count" | "sum" | "avg" | "min" | "max" | "first" | "last",
    step: string,
    arg: Expr | null,
  ) => run({ kind: "step-aggregate", fn, step, arg, type: T.any }, env);
  const amount = field("small", "amount");
  assert.equal(agg("count", "small", null), 3);
  assert.equal(agg("count", "small", amount), 2);
  assert.equal(agg("sum", "small", amount), 6);
  assert.equal(agg("avg", "small", amount), 3);
  assert.equal(agg("min", "small", amount), 1);
  assert.equal(agg("max", "small", amount), 5);
  assert.equal(agg("first", "small", amount), 1);
  assert.deepEqual(agg("last", "small", null), { amount: 5 });
  assert.equal(agg("count", "big", null), 0);
  assert.equal(agg("sum", "big", field("big", "amount")), null);
  assert.equal(agg("count", "absent", null), 0);
});

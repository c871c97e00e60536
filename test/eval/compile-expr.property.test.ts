// Property tests: compiled expressions never throw on any environment (bad data yields null, not a
// crashed task), `and`/`or` match Kleene's three-valued tables, and `not in` is `not (in)`.
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { T } from "../../src/core/schema.ts";
import type { Value } from "../../src/core/value.ts";
import { compileExpr } from "../../src/eval/compile-expr.ts";
import type { BinaryOp, Expr } from "../../src/plan/expr.ts";

const scalar = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer({ min: -5, max: 5 }),
  fc.double({ noNaN: true, min: -10, max: 10 }),
  fc.constantFrom("", "a", "b", "FR"),
);
const value: fc.Arbitrary<Value> = fc.oneof(
  { depthSize: "small" },
  scalar,
  fc.array(scalar, { maxLength: 3 }),
  fc.dictionary(fc.constantFrom("x", "y"), scalar),
);
const env = fc.record({ p: fc.dictionary(fc.constantFrom("x", "y", "z"), value), q: value });

const OPS: BinaryOp[] = ["+", "-", "*", "/", "%", "=", "!=", "<", "<=", ">", ">=", "and", "or"];

const expr: fc.Arbitrary<Expr> = fc.letrec<{ e: Expr }>((tie) => ({
  e: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    value.map((v): Expr => ({ kind: "literal", value: v, type: T.any })),
    fc
      .array(fc.constantFrom("p", "q", "x", "y", "z"), { minLength: 1, maxLength: 3 })
      .map((path): Expr => ({ kind: "field", path, type: T.any })),
    fc
      .record({ op: fc.constantFrom<"-" | "not">("-", "not"), operand: tie("e") })
      .map((r): Expr => ({ kind: "unary", ...r, type: T.any })),
    fc
      .record({ op: fc.constantFrom(...OPS), left: tie("e"), right: tie("e"), int: fc.boolean() })
      .map(({ int, ...r }): Expr => ({ kind: "binary", ...r, type: int ? T.int : T.float })),
    fc
      .record({ operand: tie("e"), list: fc.array(tie("e"), { maxLength: 3 }), negated: fc.boolean() })
      .map((r): Expr => ({ kind: "in", ...r, type: T.bool })),
    fc
      .record({ operand: tie("e"), low: tie("e"), high: tie("e"), negated: fc.boolean() })
      .map((r): Expr => ({ kind: "between", ...r, type: T.bool })),
    fc
      .record({ operand: tie("e"), negated: fc.boolean() })
      .map((r): Expr => ({ kind: "is-null", ...r, type: T.bool })),
  ),
})).e;

test("compiled expressions never throw and return JSON values", () => {
  fc.assert(
    fc.property(expr, env, (e, en) => {
      const v = compileExpr(e, new Map())(en);
      assert.notEqual(v, undefined);
      assert.doesNotThrow(() => JSON.stringify(v));
    }),
    { numRuns: 1000 },
  );
});

test("and/or follow the three-valued tables for any operands; not in = not (in)", () => {
  const truth = fc.constantFrom<Value>(true, false, null);
  const lit = (v: Value): Expr => ({ kind: "literal", value: v, type: T.bool });
  fc.assert(
    fc.property(truth, truth, expr, fc.array(expr, { maxLength: 3 }), env, (a, b, operand, list, en) => {
      const run = (e: Expr) => compileExpr(e, new Map())(en);
      const and = run({ kind: "binary", op: "and", left: lit(a), right: lit(b), type: T.bool });
      const or = run({ kind: "binary", op: "or", left: lit(a), right: lit(b), type: T.bool });
      assert.equal(and, a === false || b === false ? false : a === null || b === null ? null : true);
      assert.equal(or, a === true || b === true ? true : a === null || b === null ? null : false);
      const inE = run({ kind: "in", operand, list, negated: false, type: T.bool });
      const notIn = run({ kind: "in", operand, list, negated: true, type: T.bool });
      assert.equal(notIn, inE === null ? null : !inE);
    }),
    { numRuns: 500 },
  );
});

// Eval stage: turns a checked expression into a closure over the record environment, once per
// operator at open time, so the per-record path does no name lookups or dispatch on node kinds.
// SQL semantics: null propagates through arithmetic and comparisons, `and`/`or` are three-valued.
import { FUNCTIONS } from "../core/functions.ts";
import type { FieldType } from "../core/schema.ts";
import type { Value } from "../core/value.ts";
import { isRow } from "../core/value.ts";
import type { BinaryOp, Expr, ExprKind } from "../plan/expr.ts";
import { arithmetic } from "./arithmetic.ts";
import { sqlCompare } from "./compare.ts";
import { stepAggregate } from "./step-aggregate.ts";

/** A compiled expression: the environment is `StreamRecord.value` (see src/plan/expr.ts). */
export type CompiledExpr = (env: { readonly [binding: string]: Value }) => Value;

type Params = ReadonlyMap<string, Value>;
type Compiler<K extends ExprKind> = (e: Extract<Expr, { kind: K }>, params: Params) => CompiledExpr;

/**
 * Compiles `expr`; `params` overrides parameter defaults by name.
 * Example: `amount > 100` compiled, applied to `{ payments: { amount: 250 } }`, gives `true`.
 */
export function compileExpr(expr: Expr, params: ReadonlyMap<string, Value>): CompiledExpr {
  const compile = COMPILERS[expr.kind] as Compiler<typeof expr.kind>;
  return compile(expr as never, params);
}

/** True only for `true`: how filters, join conditions and `having` read a predicate (null counts as false). */
export function isTrue(v: Value): boolean {
  return v === true;
}

const COMPILERS: { readonly [K in ExprKind]: Compiler<K> } = {
  literal: (e) => {
    const v = e.value;
    return () => v;
  },
  param: (e, params) => {
    const v = params.has(e.name) ? coerceParam(params.get(e.name) as Value, e.type) : e.defaultValue;
    return () => v;
  },
  field: (e) => compileField(e.path),
  unary: (e, params) => {
    const operand = compileExpr(e.operand, params);
    if (e.op === "-") {
      return (env) => {
        const v = operand(env);
        return typeof v === "number" ? -v : null;
      };
    }
    return (env) => {
      const v = operand(env);
      return typeof v === "boolean" ? !v : null;
    };
  },
  binary: (e, params) =>
    compileBinary(e.op, compileExpr(e.left, params), compileExpr(e.right, params), e.type.kind === "int"),
  call: (e, params) => {
    const def = FUNCTIONS.get(e.fn);
    if (def === undefined) throw new Error(`compileExpr: unknown function '${e.fn}'`);
    return compileCall(
      def.impl,
      e.args.map((a) => compileExpr(a, params)),
    );
  },
  in: (e, params) => {
    const operand = compileExpr(e.operand, params);
    const list = e.list.map((x) => compileExpr(x, params));
    const negated = e.negated;
    return (env) => {
      const r = inList(operand(env), list, env);
      return r === null ? null : r !== negated;
    };
  },
  between: (e, params) => {
    const operand = compileExpr(e.operand, params);
    const low = compileExpr(e.low, params);
    const high = compileExpr(e.high, params);
    const negated = e.negated;
    return (env) => {
      const v = operand(env);
      const r = and3(sqlCompare(">=", v, low(env)), sqlCompare("<=", v, high(env)));
      return r === null ? null : r !== negated;
    };
  },
  "is-null": (e, params) => {
    const operand = compileExpr(e.operand, params);
    const negated = e.negated;
    return (env) => {
      const v = operand(env);
      return (v === null || v === undefined) !== negated;
    };
  },
  "step-aggregate": (e, params) => {
    const arg = e.arg === null ? null : compileExpr(e.arg, params);
    const { fn, step } = e;
    return (env) => stepAggregate(fn, env, step, arg);
  },
};

/** A deployment override given as text (`--param limit=100`) takes the parameter's declared type. */
function coerceParam(v: Value, type: FieldType): Value {
  if (typeof v !== "string") return v;
  switch (type.kind) {
    case "int":
    case "float":
    case "duration":
    case "timestamp": {
      const n = Number(v);
      return v.trim() !== "" && Number.isFinite(n) ? n : v;
    }
    case "bool":
      return v === "true" ? true : v === "false" ? false : v;
    default:
      return v;
  }
}

function compileField(path: readonly string[]): CompiledExpr {
  const [a, b, c] = path;
  if (a === undefined) throw new Error("compileExpr: empty field path");
  if (path.length === 1) return (env) => env[a] ?? null;
  if (path.length === 2 && b !== undefined) {
    return (env) => {
      const r = env[a];
      return isRow(r) ? (r[b] ?? null) : null;
    };
  }
  if (path.length === 3 && b !== undefined && c !== undefined) {
    return (env) => {
      const r = env[a];
      const s = isRow(r) ? r[b] : null;
      return isRow(s) ? (s[c] ?? null) : null;
    };
  }
  return (env) => {
    let v: Value | undefined = env[a];
    for (let i = 1; i < path.length; i++) v = isRow(v) ? v[path[i] as string] : null;
    return v ?? null;
  };
}

function and3(l: Value, r: Value): Value {
  if (l === false || r === false) return false;
  if (l === null || r === null) return null;
  return true;
}

function compileBinary(
  op: BinaryOp,
  left: CompiledExpr,
  right: CompiledExpr,
  intResult: boolean,
): CompiledExpr {
  switch (op) {
    case "and":
      return (env) => {
        const l = left(env);
        if (l === false) return false;
        const r = right(env);
        if (r === false) return false;
        return l === null || r === null ? null : true;
      };
    case "or":
      return (env) => {
        const l = left(env);
        if (l === true) return true;
        const r = right(env);
        if (r === true) return true;
        return l === null || r === null ? null : false;
      };
    case "=":
    case "!=":
    case "<":
    case "<=":
    case ">":
    case ">=":
      return (env) => sqlCompare(op, left(env), right(env));
    case "+":
    case "-":
    case "*":
    case "/":
    case "%":
      return (env) => arithmetic(op, left(env), right(env), intResult);
  }
}

function compileCall(impl: (...args: Value[]) => Value, args: readonly CompiledExpr[]): CompiledExpr {
  const [a, b, c] = args;
  switch (args.length) {
    case 0:
      return () => impl();
    case 1:
      return (env) => impl((a as CompiledExpr)(env));
    case 2:
      return (env) => impl((a as CompiledExpr)(env), (b as CompiledExpr)(env));
    case 3:
      return (env) => impl((a as CompiledExpr)(env), (b as CompiledExpr)(env), (c as CompiledExpr)(env));
    default:
      return (env) => impl(...args.map((f) => f(env)));
  }
}

/** SQL IN: true on a match; otherwise null if the operand or any element is null, else false. */
function inList(
  v: Value,
  list: readonly CompiledExpr[],
  env: { readonly [b: string]: Value },
): boolean | null {
  if (v === null) return null;
  let sawNull = false;
  for (const item of list) {
    const r = sqlCompare("=", v, item(env));
    if (r === true) return true;
    if (r === null) sawNull = true;
  }
  return sawNull ? null : false;
}

// DSL checker: expressions. Resolves every name against the scope (fields, bindings, steps, params)
// and types every node, producing the plan's checked expression IR. Never throws: a problem is
// reported and the node becomes an `any`-typed null literal so checking continues without cascades.
import type { FieldType } from "../../core/schema.ts";
import { findField, formatType, T } from "../../core/schema.ts";
import type { Value } from "../../core/value.ts";
import type { Expr } from "../../plan/expr.ts";
import type * as ast from "../ast/index.ts";
import { checkCall } from "./check-call.ts";
import { ERROR_EXPR, exprText, reportNegatedRef } from "./expr-diagnostics.ts";
import type { Reporter } from "./report.ts";
import type { Scope } from "./scope.ts";
import { visibleNames } from "./scope.ts";
import { didYouMean } from "./suggest.ts";
import { arithmeticType, comparable, ordered, recordOf } from "./types.ts";

export function lit(value: Value, type: FieldType): Expr {
  return { kind: "literal", value, type };
}

/**
 * Deepest expression tree accepted. The parser turns long flat chains (`a and b and ...`) into deep
 * trees without recursing; every later stage (this checker, the runtime's expression compiler)
 * recurses, so the limit is enforced here, as a diagnostic rather than a stack overflow.
 */
export const MAX_EXPR_DEPTH = 1000;
let depth = 0;
let tooDeepReported = false;

/** Checks `e` in `scope`, e.g. `amount > big_amount` -> binary(field [payments, amount], param big_amount). */
export function checkExpr(e: ast.Expr, scope: Scope, rep: Reporter): Expr {
  if (depth === 0) tooDeepReported = false;
  if (depth >= MAX_EXPR_DEPTH) {
    if (!tooDeepReported) rep.report("V2107", e.span, { max: MAX_EXPR_DEPTH });
    tooDeepReported = true;
    return ERROR_EXPR;
  }
  depth++;
  try {
    return checkNode(e, scope, rep);
  } finally {
    depth--;
  }
}

function checkNode(e: ast.Expr, scope: Scope, rep: Reporter): Expr {
  switch (e.kind) {
    case "IntLit":
      return lit(e.value, T.int);
    case "FloatLit":
      return lit(e.value, T.float);
    case "StringLit":
      return lit(e.value, T.string);
    case "BoolLit":
      return lit(e.value, T.bool);
    case "NullLit":
      return lit(null, T.any);
    case "DurationLit":
      return lit(e.ms, T.duration);
    case "NameRef":
      return resolveName(e, scope, rep, false);
    case "FieldAccess":
      return checkFieldAccess(e, scope, rep);
    case "Unary":
      return checkUnary(e, scope, rep);
    case "Binary":
      return checkBinary(e, scope, rep);
    case "In":
      return checkIn(e, scope, rep);
    case "Between":
      return checkBetween(e, scope, rep);
    case "IsNull":
      return { kind: "is-null", operand: checkExpr(e.operand, scope, rep), negated: e.negated, type: T.bool };
    case "Call":
      return checkCall(e, scope, rep, checkExpr);
    case "ErrorExpr":
      return ERROR_EXPR;
  }
}

/** Checks a condition: it must be a bool. */
export function checkCondition(e: ast.Expr, scope: Scope, rep: Reporter): Expr {
  const out = checkExpr(e, scope, rep);
  expectType(out, T.bool, e.span, `${scope.clause} condition`, rep);
  return out;
}

/** Reports V2101 unless `got` fits `want`; `what` names the place. */
export function expectType(
  got: Expr,
  want: FieldType,
  span: ast.Expr["span"],
  what: string,
  rep: Reporter,
): boolean {
  const t = got.type;
  if (t.kind === "any" || want.kind === "any" || t.kind === want.kind) return true;
  if (t.kind === "int" && want.kind === "float") return true;
  const hint =
    want.kind === "bool" && t.kind !== "bool" ? "a condition needs a comparison, e.g. `amount > 100`" : "";
  rep.report("V2101", span, { what, expected: formatType(want), found: formatType(t) }, hint);
  return false;
}

/** A step binding referred to from `scope`, checking it does not point forward. */
function stepVisible(name: string, span: ast.Expr["span"], scope: Scope, rep: Reporter): boolean {
  const p = scope.pattern;
  if (p === null) return true;
  const idx = p.steps.findIndex((s) => s.name === name);
  if (idx >= 0 && idx !== p.current && p.steps[idx]!.negated) {
    reportNegatedRef(name, span, rep);
    return false;
  }
  if (idx <= p.current || idx < 0) return true;
  rep.report("V2401", span, { name: p.steps[p.current]?.name ?? "?", other: name });
  return false;
}

/** A bare name: a field of the bare rows, else a binding (alias, step), else a param. */
export function resolveName(e: ast.NameRef, scope: Scope, rep: Reporter, preferBinding: boolean): Expr {
  const binding = scope.rows.get(e.name);
  if (preferBinding && binding !== undefined) return bindingRef(e, scope, rep);
  for (const b of scope.bare) {
    const row = scope.rows.get(b);
    const field = row === undefined ? undefined : findField(row.schema, e.name);
    if (field !== undefined) return { kind: "field", path: [b, e.name], type: field.type };
  }
  if (binding !== undefined) return bindingRef(e, scope, rep);
  const param = scope.params.get(e.name);
  if (param !== undefined)
    return { kind: "param", name: param.name, defaultValue: param.value, type: param.type };
  if (scope.clause === "`having`") {
    const hint = didYouMean(e.name, visibleNames(scope), "available");
    rep.report("V2302", e.span, { name: e.name }, hint);
    return ERROR_EXPR;
  }
  if (scope.pattern?.steps.some((s) => s.name === e.name && s.negated) === true) {
    reportNegatedRef(e.name, e.span, rep);
    return ERROR_EXPR;
  }
  const hiddenBy = scope.hidden.get(e.name);
  if (hiddenBy !== undefined) {
    rep.report("V2009", e.span, { name: e.name, what: hiddenBy }, hiddenHint(scope));
    return ERROR_EXPR;
  }
  const hint = didYouMean(e.name, visibleNames(scope));
  const where = scope.bare.map((b) => scope.rows.get(b)?.what ?? b).join(" or ") || "this rule";
  rep.report("V2002", e.span, { field: e.name, where }, hint);
  return ERROR_EXPR;
}

function hiddenHint(scope: Scope): string {
  const names = visibleNames(scope)
    .filter((n) => !scope.params.has(n))
    .map((n) => `\`${n}\``);
  const carry = scope.rows.has("$")
    ? "; carry a field through with `partition by` or an aggregate such as `last(x) as x`"
    : "";
  return `available here: ${names.join(", ")}${carry}`;
}

function bindingRef(e: ast.NameRef, scope: Scope, rep: Reporter): Expr {
  const row = scope.rows.get(e.name)!;
  if (!stepVisible(e.name, e.span, scope, rep)) return ERROR_EXPR;
  return { kind: "field", path: [e.name], type: recordOf(row.schema) };
}

function checkFieldAccess(e: ast.FieldAccess, scope: Scope, rep: Reporter): Expr {
  const obj =
    e.object.kind === "NameRef" ? resolveName(e.object, scope, rep, true) : checkExpr(e.object, scope, rep);
  const name = e.field.name;
  if (obj.type.kind === "any") return ERROR_EXPR;
  if (obj.type.kind !== "record") {
    rep.report("V2007", e.field.span, { name: exprText(e.object), field: name });
    return ERROR_EXPR;
  }
  const field = findField(obj.type.schema, name);
  if (field === undefined) {
    const names = obj.type.schema.fields.map((f) => f.name);
    rep.report(
      "V2002",
      e.field.span,
      { field: name, where: `\`${exprText(e.object)}\`` },
      didYouMean(name, names, "its fields"),
    );
    return ERROR_EXPR;
  }
  if (obj.kind === "field") return { kind: "field", path: [...obj.path, name], type: field.type };
  if (obj.kind === "step-aggregate" && (obj.fn === "first" || obj.fn === "last")) {
    // `last(small).ts` is `last(small.ts)`: the arg is evaluated on the chosen event.
    const base = obj.arg ?? { kind: "field" as const, path: [obj.step], type: obj.type };
    if (base.kind === "field") {
      const arg: Expr = { kind: "field", path: [...base.path, name], type: field.type };
      return { ...obj, arg, type: field.type };
    }
  }
  rep.report("V2007", e.field.span, { name: exprText(e.object), field: name });
  return ERROR_EXPR;
}

function checkUnary(e: ast.Unary, scope: Scope, rep: Reporter): Expr {
  const operand = checkExpr(e.operand, scope, rep);
  if (e.op === "not") {
    expectType(operand, T.bool, e.operand.span, "operand of `not`", rep);
    return { kind: "unary", op: "not", operand, type: T.bool };
  }
  const k = operand.type.kind;
  if (k !== "int" && k !== "float" && k !== "duration" && k !== "any") {
    rep.report("V2102", e.span, { op: "-", left: "nothing", right: formatType(operand.type) });
    return ERROR_EXPR;
  }
  return { kind: "unary", op: "-", operand, type: operand.type };
}

function checkBinary(e: ast.Binary, scope: Scope, rep: Reporter): Expr {
  const left = checkExpr(e.left, scope, rep);
  const right = checkExpr(e.right, scope, rep);
  const op = e.op;
  if (op === "and" || op === "or") {
    expectType(left, T.bool, e.left.span, `left side of \`${op}\``, rep);
    expectType(right, T.bool, e.right.span, `right side of \`${op}\``, rep);
    return { kind: "binary", op, left, right, type: T.bool };
  }
  if (op === "=" || op === "!=" || op === "<" || op === "<=" || op === ">" || op === ">=") {
    const okOrder = op === "=" || op === "!=" || (ordered(left.type) && ordered(right.type));
    if (!comparable(left.type, right.type) || !okOrder) reportOperands(e, left, right, rep);
    return { kind: "binary", op, left, right, type: T.bool };
  }
  const type = arithmeticType(op, left.type, right.type);
  if (type === null) {
    reportOperands(e, left, right, rep);
    return ERROR_EXPR;
  }
  return { kind: "binary", op, left, right, type };
}

function reportOperands(e: ast.Binary, left: Expr, right: Expr, rep: Reporter): void {
  if (left.type.kind === "any" || right.type.kind === "any") return;
  const l = formatType(left.type);
  const r = formatType(right.type);
  let hint = "";
  if (
    (l === "timestamp" || r === "timestamp") &&
    (l === "int" || r === "int" || l === "float" || r === "float")
  ) {
    hint = "timestamps combine with durations (`ts + 10m`, `a.ts - b.ts < 1h`), not with plain numbers";
  } else if (l === "duration" || r === "duration") {
    hint = "compare a duration with a duration literal such as `30m`";
  }
  rep.report("V2102", e.span, { op: e.op, left: l, right: r }, hint);
}

function checkIn(e: ast.In, scope: Scope, rep: Reporter): Expr {
  const operand = checkExpr(e.operand, scope, rep);
  const list = e.list.map((item) => {
    const x = checkExpr(item, scope, rep);
    if (!comparable(operand.type, x.type)) {
      rep.report("V2101", item.span, {
        what: "`in` list item",
        expected: formatType(operand.type),
        found: formatType(x.type),
      });
    }
    return x;
  });
  return { kind: "in", operand, list, negated: e.negated, type: T.bool };
}

function checkBetween(e: ast.Between, scope: Scope, rep: Reporter): Expr {
  const operand = checkExpr(e.operand, scope, rep);
  const low = checkExpr(e.low, scope, rep);
  const high = checkExpr(e.high, scope, rep);
  for (const [bound, span] of [
    [low, e.low.span],
    [high, e.high.span],
  ] as const) {
    if (!comparable(operand.type, bound.type) || !ordered(bound.type)) {
      rep.report("V2101", span, {
        what: "`between` bound",
        expected: formatType(operand.type),
        found: formatType(bound.type),
      });
    }
  }
  return { kind: "between", operand, low, high, negated: e.negated, type: T.bool };
}

// DSL checker: calls. A call is a step aggregate (`count(small)`, `sum(small.amount)`, `last(small)`)
// inside or after a pattern, or a scalar function of the catalogue. Window aggregates belong to the
// `aggregate` clause only (checked in check-window.ts) and are refused here with a hint. A literal
// `matches` pattern must compile as a regular expression.
import { arity, FUNCTIONS, paramType } from "../../core/functions.ts";
import type { FieldType } from "../../core/schema.ts";
import { formatType, T } from "../../core/schema.ts";
import type { Expr, StepAggregateFn } from "../../plan/expr.ts";
import type * as ast from "../ast/index.ts";
import { checkPrev } from "./check-prev.ts";
import { ERROR_EXPR, exprText, reportNegatedRef } from "./expr-diagnostics.ts";
import type { Reporter } from "./report.ts";
import type { Scope } from "./scope.ts";
import { didYouMean } from "./suggest.ts";
import { assignable, isNumeric, numericJoin, recordOf } from "./types.ts";

const STEP_AGGREGATES: ReadonlySet<string> = new Set(["count", "sum", "avg", "min", "max", "first", "last"]);
/** Window aggregate functions (the `aggregate` clause). */
export const WINDOW_AGGREGATES: ReadonlySet<string> = new Set([
  "count",
  "sum",
  "avg",
  "min",
  "max",
  "count_distinct",
  "first",
  "last",
  "stddev",
]);

/** The step a step-aggregate argument is rooted at (`small` in `small.amount`), if any. */
function stepRoot(e: ast.Expr, scope: Scope): string | null {
  if (scope.pattern === null) return null;
  let x = e;
  while (x.kind === "FieldAccess") x = x.object;
  if (x.kind !== "NameRef") return null;
  return scope.pattern.steps.some((s) => s.name === x.name) ? x.name : null;
}

/** Checks one expression; passed in by check-expr.ts (which calls checkCall), so the two modules form no import circle. */
export type CheckExpr = (e: ast.Expr, scope: Scope, rep: Reporter) => Expr;

export function checkCall(e: ast.Call, scope: Scope, rep: Reporter, checkExpr: CheckExpr): Expr {
  const name = e.callee.name;
  if (name === "prev") return checkPrev(e, scope, rep, checkExpr);
  const arg0 = e.args[0];
  const step = arg0 === undefined || e.args.length !== 1 ? null : stepRoot(arg0, scope);
  if (step !== null && STEP_AGGREGATES.has(name))
    return checkStepAggregate(e, name as StepAggregateFn, step, scope, rep, checkExpr);
  const def = FUNCTIONS.get(name);
  const isWindowAgg = WINDOW_AGGREGATES.has(name) && (def === undefined || e.args.length <= 1);
  if (isWindowAgg || e.distinct) {
    const hint =
      scope.pattern !== null
        ? `inside a pattern, aggregate over a looping step, e.g. \`${name}(step.field)\``
        : "window aggregates go in `aggregate ...` after a `window` clause; refer to them by their `as` name";
    rep.report("V2105", e.span, { name }, hint);
    for (const a of e.args) checkExpr(a, scope, rep);
    return ERROR_EXPR;
  }
  if (def === undefined) {
    rep.report("V2005", e.callee.span, { name }, didYouMean(name, [...FUNCTIONS.keys()], "functions"));
    for (const a of e.args) checkExpr(a, scope, rep);
    return ERROR_EXPR;
  }
  const args = e.args.map((a) => checkExpr(a, scope, rep));
  const [min, max] = arity(def);
  if (args.length < min || (max !== null && args.length > max)) {
    const expected = max === null ? `at least ${min}` : min === max ? `${min}` : `${min} to ${max}`;
    rep.report("V2103", e.span, { name, expected, found: args.length }, def.doc);
    return ERROR_EXPR;
  }
  args.forEach((a, i) => {
    const want = paramType(def, i) ?? T.any;
    if (!assignable(a.type, want)) {
      rep.report(
        "V2101",
        e.args[i]!.span,
        { what: `argument ${i + 1} of \`${name}\``, expected: formatType(want), found: formatType(a.type) },
        def.doc,
      );
    }
  });
  if (name === "matches") checkRegexLiteral(e.args[1], rep);
  return { kind: "call", fn: name, args, type: def.returns(args.map((a) => a.type)) };
}

/** A literal `matches` pattern is compiled now (as the runtime does, with the `u` flag): an invalid one would never match. */
function checkRegexLiteral(arg: ast.Expr | undefined, rep: Reporter): void {
  if (arg?.kind !== "StringLit") return;
  try {
    new RegExp(arg.value, "u");
  } catch (err) {
    const text = err instanceof Error ? err.message : String(err);
    const message = text.replace(/^Invalid regular expression: /, "");
    rep.report("V2108", arg.span, { message });
  }
}

function checkStepAggregate(
  e: ast.Call,
  fn: StepAggregateFn,
  step: string,
  scope: Scope,
  rep: Reporter,
  checkExpr: CheckExpr,
): Expr {
  const pattern = scope.pattern!;
  const idx = pattern.steps.findIndex((s) => s.name === step);
  const info = pattern.steps[idx]!;
  const arg0 = e.args[0]!;
  if (idx > pattern.current) {
    rep.report("V2401", arg0.span, { name: pattern.steps[pattern.current]?.name ?? "?", other: step });
    return ERROR_EXPR;
  }
  const row = scope.rows.get(step);
  if (info.negated || row === undefined) {
    reportNegatedRef(step, arg0.span, rep);
    return ERROR_EXPR;
  }
  if (!info.looping) {
    rep.report("V2402", e.span, { fn, name: step });
    return ERROR_EXPR;
  }
  const whole = arg0.kind === "NameRef";
  const arg = whole ? null : checkExpr(arg0, scope, rep);
  const argType: FieldType = arg === null ? recordOf(row.schema) : arg.type;
  const type = stepAggregateType(fn, argType, e, rep);
  return { kind: "step-aggregate", fn, step, arg, type };
}

function stepAggregateType(fn: StepAggregateFn, arg: FieldType, e: ast.Call, rep: Reporter): FieldType {
  switch (fn) {
    case "count":
      return T.int;
    case "first":
    case "last":
      return arg;
    case "sum":
    case "avg":
    case "min":
    case "max":
      if (
        !isNumeric(arg) &&
        !(fn !== "sum" && fn !== "avg" && (arg.kind === "timestamp" || arg.kind === "string"))
      ) {
        rep.report("V2101", e.args[0]!.span, {
          what: `argument of \`${fn}(${exprText(e.args[0]!)})\``,
          expected: "a number",
          found: formatType(arg),
        });
        return T.any;
      }
      return fn === "avg" ? T.float : fn === "sum" ? numericJoin(arg, arg) : arg;
  }
}

// DSL checker: `prev(x)`, MATCH_RECOGNIZE's PREV(): `x` evaluated on the key's physically previous
// event (whether or not a match took it; null at the key's first event). Only inside a step's
// condition or `until`, and `x` may read only the candidate event (its fields under the source alias
// or the step's own name, params, literals): the runtime keeps the previous event's row, nothing else.
import { type Expr, PREV_BINDING, readsBinding, renameBinding } from "../../plan/expr.ts";
import type * as ast from "../ast/index.ts";
import { ERROR_EXPR, exprText } from "./expr-diagnostics.ts";
import type { Reporter } from "./report.ts";
import type { Scope } from "./scope.ts";

type CheckExpr = (e: ast.Expr, scope: Scope, rep: Reporter) => Expr;

/** Checks `prev(x)`; the result reads `x`'s fields from the `$prev` binding. */
export function checkPrev(e: ast.Call, scope: Scope, rep: Reporter, checkExpr: CheckExpr): Expr {
  const p = scope.pattern;
  const step = p === null ? undefined : p.steps[p.current];
  if (p === null || step === undefined) {
    rep.report(
      "V2408",
      e.span,
      { message: `\`${exprText(e)}\` is only available in a pattern step's condition` },
      "`prev(x)` reads the key's previous event while a step judges a candidate; in the output, refer to the steps (`s.amount`, `last(s).amount`)",
    );
    return ERROR_EXPR;
  }
  if (e.args.length !== 1) {
    rep.report(
      "V2103",
      e.span,
      { name: "prev", expected: "1", found: e.args.length },
      "write `prev(amount)`",
    );
    return ERROR_EXPR;
  }
  const arg = checkExpr(e.args[0]!, scope, rep);
  if (arg === ERROR_EXPR) return ERROR_EXPR;
  const other = foreignReads(arg, step.name, p.alias);
  if (other !== null) {
    rep.report(
      "V2408",
      e.args[0]!.span,
      {
        message: `\`${exprText(e)}\` reads ${other}, but \`prev\` sees only the previous event's own fields`,
      },
      `write \`prev(amount)\` (or \`prev(${step.name}.amount)\`); other steps are \`other.amount\``,
    );
    return ERROR_EXPR;
  }
  const renamed = renameBinding(renameBinding(arg, step.name, PREV_BINDING), p.alias, PREV_BINDING);
  return renamed;
}

// What in `e` is not the candidate event (null: nothing): another step, a step aggregate, another
// binding (a joined table's alias), or a nested `prev`.
function foreignReads(e: Expr, self: string, alias: string): string | null {
  if (readsBinding(e, PREV_BINDING)) return "`prev` itself";
  const first = (xs: readonly Expr[]): string | null => {
    for (const x of xs) {
      const f = foreignReads(x, self, alias);
      if (f !== null) return f;
    }
    return null;
  };
  switch (e.kind) {
    case "literal":
    case "param":
      return null;
    case "field": {
      const head = e.path[0] as string;
      return head === self || head === alias ? null : `\`${head}\``;
    }
    case "step-aggregate":
      return `an aggregate over step \`${e.step}\``;
    case "unary":
    case "is-null":
      return first([e.operand]);
    case "binary":
      return first([e.left, e.right]);
    case "call":
      return first(e.args);
    case "in":
      return first([e.operand, ...e.list]);
    case "between":
      return first([e.operand, e.low, e.high]);
  }
}

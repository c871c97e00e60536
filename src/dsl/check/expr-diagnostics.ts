// DSL checker: what the expression and call checkers share for reporting a problem (the placeholder
// a failed node becomes, the message for a negated step, source-like text). A leaf module, so that
// check-expr.ts and check-call.ts need not import each other.
import { T } from "../../core/schema.ts";
import type { Expr } from "../../plan/expr.ts";
import type * as ast from "../ast/index.ts";
import type { Reporter } from "./report.ts";

/** The placeholder for an expression that failed to check (already reported). */
export const ERROR_EXPR: Expr = { kind: "literal", value: null, type: T.any };

/** Reports a reference to a negated step (it binds no event). */
export function reportNegatedRef(name: string, span: ast.Expr["span"], rep: Reporter): void {
  const message = `negated step \`${name}\` takes no event, so it cannot be referred to`;
  rep.report("V2405", span, { message }, "refer to the steps around it instead");
}

/** Source-like text of a simple expression, for messages (`small.amount`, `last(small)`). */
export function exprText(e: ast.Expr): string {
  switch (e.kind) {
    case "NameRef":
      return e.name;
    case "FieldAccess":
      return `${exprText(e.object)}.${e.field.name}`;
    case "Call":
      return `${e.callee.name}(${e.args.map(exprText).join(", ")})`;
    default:
      return "expression";
  }
}

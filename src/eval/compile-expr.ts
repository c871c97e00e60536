// Eval stage: turns a checked expression into a closure over the record environment, once per
// operator at open time, so the per-record path does no name lookups or dispatch on node kinds.
import type { Value } from "../core/value.ts";
import type { Expr } from "../plan/expr.ts";

/** A compiled expression: the environment is `StreamRecord.value` (see src/plan/expr.ts). */
export type CompiledExpr = (env: { readonly [binding: string]: Value }) => Value;

/** Compiles `expr`; `params` overrides parameter defaults by name. Implemented by the runtime's eval work. */
export function compileExpr(expr: Expr, params: ReadonlyMap<string, Value>): CompiledExpr {
  void params;
  throw new Error(`compileExpr: not implemented yet (${expr.kind})`);
}

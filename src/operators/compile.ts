// Operators stage: how an operator gets its expressions compiled (the task passes
// `(e) => compileExpr(e, ctx.params)`), so operators stay testable with any compiler.
import type { CompiledExpr } from "../eval/compile-expr.ts";
import type { Expr } from "../plan/expr.ts";

/** Compiles one checked expression for an operator. */
export type CompiledExprFactory = (e: Expr) => CompiledExpr;

// Operators stage: the one place that maps a plan operator to its implementation, exhaustively
// (a new PlanOp kind without a factory here does not compile).
import { compileExpr } from "../eval/compile-expr.ts";
import type { PlanOp, PlanOpKind } from "../plan/plan.ts";
import type { CompiledExprFactory } from "./compile.ts";
import { createFilterOperator } from "./filter.ts";
import { createStreamJoinOperator } from "./join/stream-join.ts";
import { createTableJoinOperator } from "./join/table-join.ts";
import type { Operator, OperatorContext } from "./operator.ts";
import { createPatternOperator } from "./pattern/pattern-operator.ts";
import { createRekeyOperator } from "./rekey.ts";
import { createWindowAggregateOperator } from "./window/window-aggregate.ts";

type Factory<K extends PlanOpKind> = (
  op: Extract<PlanOp, { kind: K }>,
  ctx: OperatorContext,
  compile: CompiledExprFactory,
  sourceAlias: string,
) => Operator;

const FACTORIES: { readonly [K in PlanOpKind]: Factory<K> } = {
  filter: (op, ctx, compile) => createFilterOperator(op, ctx, compile),
  rekey: (op, ctx, compile) => createRekeyOperator(op, ctx, compile),
  "window-aggregate": (op, ctx, compile) => createWindowAggregateOperator(op, ctx, compile),
  "stream-join": (op, ctx, compile) => createStreamJoinOperator(op, ctx, compile),
  "table-join": (op, ctx, compile) => createTableJoinOperator(op, ctx, compile),
  pattern: (op, ctx, compile, sourceAlias) => createPatternOperator(op, ctx, sourceAlias, compile),
};

/**
 * Creates the operator for a plan op. `sourceAlias` is the rule's source alias (patterns bind it);
 * expressions compile against the context's params unless a compiler is given.
 * Fits the runtime's OperatorFactory: `(op, ctx, sourceAlias) => createOperator(op, ctx, sourceAlias)`.
 */
export function createOperator(
  op: PlanOp,
  ctx: OperatorContext,
  sourceAlias: string,
  compile: CompiledExprFactory = (e) => compileExpr(e, ctx.params),
): Operator {
  const factory = FACTORIES[op.kind] as Factory<PlanOpKind>;
  return factory(op as never, ctx, compile, sourceAlias);
}

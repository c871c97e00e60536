// Runtime stage: the default operator factory: the operators of src/operators, with expressions
// compiled against the task's parameters (OperatorContext.params).
import { createOperator } from "../operators/create-operator.ts";
import type { OperatorFactory } from "./segment-chain.ts";

/** Builds operators with src/operators (tests may pass doubles through TaskOptions.operatorFactory). */
export const defaultOperatorFactory: OperatorFactory = (op, ctx, sourceAlias) =>
  createOperator(op, ctx, sourceAlias);

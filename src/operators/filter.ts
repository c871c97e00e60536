// Operators stage: `where` - forwards exactly the records whose predicate is true (null counts as false).
import type { FilterOp } from "../plan/plan.ts";
import type { CompiledExprFactory } from "./compile.ts";
import type { Operator, OperatorContext } from "./operator.ts";

/** Creates the filter operator: `where amount > 100` forwards `{payments: {amount: 250}}`, drops 50 and null. */
export function createFilterOperator(
  op: FilterOp,
  ctx: OperatorContext,
  compile: CompiledExprFactory,
): Operator {
  const predicate = compile(op.predicate);
  return {
    process(record) {
      if (predicate(record.value) === true) ctx.forward(record);
    },
    onTimer() {},
  };
}

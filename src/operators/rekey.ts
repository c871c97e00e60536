// Operators stage: `partition by` - computes the new key from the key expressions and forwards the
// record under it; the runtime routes the output through the repartition topic.
import type { RekeyOp } from "../plan/plan.ts";
import type { CompiledExprFactory } from "./compile.ts";
import type { Operator, OperatorContext } from "./operator.ts";
import { keyFromValues } from "./store-keys.ts";

/** Creates the re-key operator: `partition by customer_id` turns key "card-1" into "cust-7". */
export function createRekeyOperator(
  op: RekeyOp,
  ctx: OperatorContext,
  compile: CompiledExprFactory,
): Operator {
  const keys = op.keys.map((k) => compile(k));
  return {
    process(record) {
      const key = keyFromValues(keys.map((k) => k(record.value)));
      ctx.forward({ ...record, key });
    },
    onTimer() {},
  };
}

// Operators stage: stream-table join. The table's latest row per key is materialized in the
// operator's store from the table's changelog records (a null row deletes); a stream record is
// forwarded with the row for its key bound to the table alias (null on a miss; an inner join drops it).
import type { Value } from "../../core/value.ts";
import type { TableJoinOp } from "../../plan/plan.ts";
import type { CompiledExprFactory } from "../compile.ts";
import type { Operator, OperatorContext } from "../operator.ts";

/**
 * Creates the stream-table join: a record whose environment binds `op.alias` is a table update
 * (upsert by record key, null row = delete); any other record is a stream record to enrich.
 */
export function createTableJoinOperator(
  op: TableJoinOp,
  ctx: OperatorContext,
  _compile: CompiledExprFactory,
): Operator {
  const store = ctx.store(op.store.name);
  const alias = op.alias;
  return {
    process(record) {
      if (alias in record.value) {
        if (record.key === null) return;
        const row = record.value[alias] ?? null;
        if (row === null) store.delete(record.key);
        else store.put(record.key, row);
        return;
      }
      const row: Value = record.key === null ? null : (store.get(record.key) ?? null);
      if (row === null && op.joinType === "inner") return;
      ctx.forward({ ...record, value: { ...record.value, [alias]: row } });
    },
    onTimer() {},
  };
}

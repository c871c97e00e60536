// Operators stage: the last stage of a rule - evaluates the `emit` projection into an OutputRecord
// bound for the sink topic, keeping the record's key, event time and evidence.
import type { Evidence, StreamRecord } from "../core/record.ts";
import type { Value } from "../core/value.ts";
import type { SinkSpec } from "../plan/plan.ts";
import type { CompiledExprFactory } from "./compile.ts";
import type { Operator, OperatorContext, SinkContext } from "./operator.ts";

/**
 * Creates the sink: `emit { card: p.card_id, total: $.total }` turns a record into an OutputRecord
 * `{ topic, key, value: { card, total }, timestamp, rule, evidence }` handed to `out.emit`.
 * A record without evidence of its own carries its origin as its single piece of evidence.
 */
export function createSinkOperator(
  sink: SinkSpec,
  ctx: OperatorContext,
  compile: CompiledExprFactory,
  out: SinkContext,
): Operator {
  const fields = sink.projection.map((p) => ({ name: p.name, expr: compile(p.expr) }));
  return {
    process(record) {
      const value: Record<string, Value> = {};
      for (const f of fields) value[f.name] = f.expr(record.value);
      out.emit({
        topic: sink.topic,
        key: record.key,
        value,
        timestamp: record.timestamp,
        rule: ctx.rule,
        evidence: evidenceOf(record),
      });
    },
    onTimer() {},
  };
}

function evidenceOf(record: StreamRecord): Evidence {
  return record.evidence ?? { kind: "events", events: [record.origin] };
}

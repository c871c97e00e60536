// Plan stage: every sink of a rule. A rule writes to its `emit` topic, and a pattern with
// `on timeout emit ...` also to its timeout topic (PatternOp.onTimeout), so code that lists output
// topics (the topology, the Kafka worker's topic creation) asks here instead of reading `sink` alone.
import type { PlanOp, ProgramPlan, RulePlan, SinkSpec } from "./plan.ts";

/** The side sinks of one operator (exhaustive over the operator kinds). */
export function opSinks(op: PlanOp): readonly SinkSpec[] {
  switch (op.kind) {
    case "pattern":
      return op.onTimeout === null ? [] : [op.onTimeout];
    case "filter":
    case "rekey":
    case "window-aggregate":
    case "stream-join":
    case "table-join":
      return [];
  }
}

/** The rule's sinks: its `emit` first, then its operators' side sinks in pipeline order. */
export function ruleSinks(rule: RulePlan): readonly SinkSpec[] {
  return [rule.sink, ...rule.ops.flatMap(opSinks)];
}

/** Every output topic of the program, each once, in rule order. */
export function outputTopics(plan: ProgramPlan): string[] {
  return [...new Set(plan.rules.flatMap((r) => ruleSinks(r).map((s) => s.topic)))];
}

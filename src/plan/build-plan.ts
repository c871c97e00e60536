// Plan stage: lowering, checked program -> ProgramPlan. Assigns deterministic names: operators
// `<rule>.<kind>` (`-2`, `-3` when a kind repeats) or the user's `named "..."`, stores named after
// their operator, repartition topics `<operator>-repartition`. A `partition by` on exactly the source
// stream's key field is elided (the records are already keyed and partitioned that way).
import type { CheckedOp, CheckedProgram, CheckedRule } from "../dsl/check/checked.ts";
import type { PlanOp, ProgramPlan, RulePlan, StoreSpec } from "./plan.ts";

const STORE_KIND: Readonly<Record<string, StoreSpec["kind"]>> = {
  "window-aggregate": "window",
  "stream-join": "join-buffer",
  "table-join": "key-value",
  pattern: "pattern-buffer",
};

/** Operator names for a rule's ops, in order: user names win, defaults count per kind. */
export function operatorNames(rule: string, ops: readonly CheckedOp[]): string[] {
  const seen = new Map<string, number>();
  return ops.map((op) => {
    const n = (seen.get(op.kind) ?? 0) + 1;
    seen.set(op.kind, n);
    if (op.named !== null) return op.named;
    return n === 1 ? `${rule}.${op.kind}` : `${rule}.${op.kind}-${n}`;
  });
}

function lowerOp(op: CheckedOp, name: string): PlanOp {
  const store = (): StoreSpec => ({ name, kind: STORE_KIND[op.kind]! });
  switch (op.kind) {
    case "filter":
      return { kind: "filter", name, predicate: op.predicate };
    case "rekey":
      return { kind: "rekey", name, keys: op.keys, repartitionTopic: `${name}-repartition` };
    case "stream-join": {
      const { named: _, ...rest } = op;
      return { ...rest, name, store: store() };
    }
    case "table-join":
      return {
        kind: "table-join",
        name,
        table: op.table,
        alias: op.alias,
        joinType: op.joinType,
        store: store(),
      };
    case "window-aggregate": {
      const { named: _, ...rest } = op;
      return { ...rest, name, store: store() };
    }
    case "pattern": {
      const { named: _, onTimeout, ...rest } = op;
      const timeoutSink = onTimeout === null ? null : { name: timeoutSinkName(name), ...onTimeout };
      return { ...rest, name, store: store(), onTimeout: timeoutSink };
    }
  }
}

/** The name of a pattern operator's timeout sink (`<operator>.timeout-sink`). */
export function timeoutSinkName(operator: string): string {
  return `${operator}.timeout-sink`;
}

/** Lowers one checked rule. */
export function lowerRule(rule: CheckedRule): RulePlan {
  const kept = rule.ops.filter((op) => !(op.kind === "rekey" && op.isSourceKey));
  const names = operatorNames(rule.name, kept);
  return {
    name: rule.name,
    source: rule.source,
    ops: kept.map((op, i) => lowerOp(op, names[i]!)),
    sink: { name: `${rule.name}.sink`, ...rule.sink },
  };
}

/** Lowers a checked program, e.g. a rule `velocity` with a window gets op `velocity.window-aggregate`. */
export function buildPlan(program: CheckedProgram): ProgramPlan {
  return {
    streams: program.streams,
    tables: program.tables,
    params: program.params,
    rules: program.rules.map(lowerRule),
  };
}

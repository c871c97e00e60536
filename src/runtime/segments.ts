// Runtime stage: splits each rule of a plan at its re-keys into segments (sub-topologies). Segment 0
// reads the rule's source stream; segment k > 0 reads the repartition topic of the k-th re-key.
import type {
  PlanOp,
  ProgramPlan,
  RekeyOp,
  RulePlan,
  StreamDecl,
  StreamJoinOp,
  TableDecl,
  TableJoinOp,
} from "../plan/plan.ts";

/** A topic a segment reads besides its main input: a joined table or a stream-join's right side. */
export type SideInput =
  | {
      readonly kind: "table";
      readonly topic: string;
      readonly decl: TableDecl;
      readonly opIndex: number;
      readonly op: TableJoinOp;
    }
  | {
      readonly kind: "right";
      readonly topic: string;
      readonly decl: StreamDecl;
      readonly opIndex: number;
      readonly op: StreamJoinOp;
    };

/** One linear piece of a rule between re-keys. */
export interface Segment {
  /** `<rule>#<index>`. */
  readonly id: string;
  readonly rule: RulePlan;
  readonly index: number;
  /** The main input: the source stream's topic (index 0) or the previous re-key's repartition topic. */
  readonly inputTopic: string;
  readonly inputKind: "stream" | "repartition";
  /** The rule's source stream (its lateness applies to the repartition topics too). */
  readonly source: StreamDecl;
  /** The operators of this segment, re-keys excluded. */
  readonly ops: readonly PlanOp[];
  /** The re-key that ends this segment (its records go to `rekey.repartitionTopic`), or null: the sink. */
  readonly rekey: RekeyOp | null;
  readonly sideInputs: readonly SideInput[];
}

/** Every segment of every rule, in rule order then segment order. */
export function planSegments(plan: ProgramPlan): Segment[] {
  return plan.rules.flatMap((rule) => ruleSegments(plan, rule));
}

function ruleSegments(plan: ProgramPlan, rule: RulePlan): Segment[] {
  const source = findStream(plan, rule.source.stream);
  const segments: Segment[] = [];
  let ops: PlanOp[] = [];
  let inputTopic = source.topic;
  const close = (rekey: RekeyOp | null): void => {
    const index = segments.length;
    segments.push({
      id: `${rule.name}#${index}`,
      rule,
      index,
      inputTopic,
      inputKind: index === 0 ? "stream" : "repartition",
      source,
      ops,
      rekey,
      sideInputs: sideInputs(plan, ops),
    });
    ops = [];
  };
  for (const op of rule.ops) {
    if (op.kind === "rekey") {
      close(op);
      inputTopic = op.repartitionTopic;
    } else {
      ops.push(op);
    }
  }
  close(null);
  return segments;
}

function sideInputs(plan: ProgramPlan, ops: readonly PlanOp[]): SideInput[] {
  const out: SideInput[] = [];
  ops.forEach((op, opIndex) => {
    if (op.kind === "table-join") {
      const decl = plan.tables.find((t) => t.name === op.table);
      if (!decl) throw new Error(`plan: table-join ${op.name} reads unknown table ${op.table}`);
      out.push({ kind: "table", topic: decl.topic, decl, opIndex, op });
    } else if (op.kind === "stream-join") {
      const decl = findStream(plan, op.right.stream);
      out.push({ kind: "right", topic: decl.topic, decl, opIndex, op });
    }
  });
  return out;
}

function findStream(plan: ProgramPlan, name: string): StreamDecl {
  const decl = plan.streams.find((s) => s.name === name);
  if (!decl) throw new Error(`plan: unknown stream ${name}`);
  return decl;
}

/** The topics a segment reads: its main input first, then its side inputs. */
export function segmentTopics(segment: Segment): string[] {
  return [segment.inputTopic, ...segment.sideInputs.map((s) => s.topic)];
}

/**
 * A fixed order over every topic of the plan (tables, then streams, then repartition topics), used
 * to break timestamp ties in the merge: a table update at time t is applied before a stream record at t.
 */
export function topicOrder(plan: ProgramPlan): Map<string, number> {
  const order = new Map<string, number>();
  const add = (topic: string): void => {
    if (!order.has(topic)) order.set(topic, order.size);
  };
  for (const t of plan.tables) add(t.topic);
  for (const s of plan.streams) add(s.topic);
  for (const r of plan.rules) for (const op of r.ops) if (op.kind === "rekey") add(op.repartitionTopic);
  return order;
}

/** Sub-topology stage of a segment: 0 for segments fed by external topics, k for the k-th re-key's. */
export function segmentStage(segment: Segment): number {
  return segment.index;
}

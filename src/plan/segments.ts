// Plan analysis: splits each rule of a plan at its re-keys into segments (sub-topologies). Segment 0
// reads the rule's source stream; segment k > 0 reads the repartition topic of the k-th re-key; a
// stream-join whose right side is not keyed by its join key gets a right re-key segment of its own.
import type {
  PlanOp,
  ProgramPlan,
  RekeyOp,
  RulePlan,
  StreamDecl,
  StreamJoinOp,
  TableDecl,
  TableJoinOp,
} from "./plan.ts";

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
      /** The right stream's topic, or its right re-key repartition topic when `repartitioned`. */
      readonly topic: string;
      readonly decl: StreamDecl;
      readonly opIndex: number;
      readonly op: StreamJoinOp;
      readonly repartitioned: boolean;
    };

/** One linear piece of a rule between re-keys. */
export interface Segment {
  /** `<rule>#<index>`, or `<rule>#<join>.right-rekey`. */
  readonly id: string;
  /** `rule`: a piece of the rule's pipeline; `right-rekey`: re-keys a stream-join's right side. */
  readonly role: "rule" | "right-rekey";
  readonly rule: RulePlan;
  readonly index: number;
  /** The main input: the source stream's topic (index 0) or the previous re-key's repartition topic. */
  readonly inputTopic: string;
  readonly inputKind: "stream" | "repartition";
  /** The stream whose lateness applies (the rule's source; the right stream for a right re-key). */
  readonly source: StreamDecl;
  /** The binding of a decoded main-input row in the record environment. */
  readonly alias: string;
  /** The operators of this segment, re-keys excluded. */
  readonly ops: readonly PlanOp[];
  /** The re-key that ends this segment (its records go to `rekey.repartitionTopic`), or null: the sink. */
  readonly rekey: RekeyOp | null;
  readonly sideInputs: readonly SideInput[];
}

/** Every segment of every rule, in rule order then segment order (right re-keys after their rule's). */
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
      role: "rule",
      rule,
      index,
      inputTopic,
      inputKind: index === 0 ? "stream" : "repartition",
      source,
      alias: rule.source.alias,
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
  return [...segments, ...rightRekeySegments(plan, rule)];
}

function rightRekeySegments(plan: ProgramPlan, rule: RulePlan): Segment[] {
  return rule.ops
    .filter((op): op is StreamJoinOp => op.kind === "stream-join" && rightNeedsRepartition(plan, op))
    .map((op) => {
      const right = findStream(plan, op.right.stream);
      return {
        id: `${rule.name}#${op.name}.right-rekey`,
        role: "right-rekey",
        rule,
        index: 0,
        inputTopic: right.topic,
        inputKind: "stream",
        source: right,
        alias: op.right.alias,
        ops: [],
        rekey: {
          kind: "rekey",
          name: `${op.name}.right-rekey`,
          keys: op.rightKeys,
          repartitionTopic: rightRepartitionTopic(op),
        },
        sideInputs: [],
      };
    });
}

/**
 * True when a stream-join's right side must be re-keyed: its join key is not the right stream's key
 * field (the same test as the topology's, so `vigil explain` and the runtime agree).
 */
export function rightNeedsRepartition(plan: ProgramPlan, op: StreamJoinOp): boolean {
  const decl = plan.streams.find((s) => s.name === op.right.stream);
  if (decl === undefined || decl.keyField === null || op.rightKeys.length !== 1) return true;
  const k = op.rightKeys[0]!;
  return !(k.kind === "field" && k.path.length === 2 && k.path[1] === decl.keyField);
}

/** The repartition topic of a stream-join's re-keyed right side (the topology's name, without the app prefix). */
export function rightRepartitionTopic(op: StreamJoinOp): string {
  return `${op.name}.right-rekey-repartition`;
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
      const repartitioned = rightNeedsRepartition(plan, op);
      const topic = repartitioned ? rightRepartitionTopic(op) : decl.topic;
      out.push({ kind: "right", topic, decl, opIndex, op, repartitioned });
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
 * Every repartition topic of the plan with the lateness of the stream it carries, in plan order: the
 * source's lateness plus the delay of every stream-join before the re-key (a join emits an unmatched
 * left row stamped t once the watermark reaches t + within + grace + 1; see docs/runtime.md).
 */
export function repartitionTopics(plan: ProgramPlan): Map<string, number> {
  const out = new Map<string, number>();
  const carried = new Map<string, number>();
  for (const s of planSegments(plan)) {
    if (!s.rekey) continue;
    const before = s.role === "rule" ? (carried.get(s.rule.name) ?? 0) : 0;
    const delay = before + s.ops.reduce((d, op) => d + joinDelay(op), 0);
    if (s.role === "rule") carried.set(s.rule.name, delay);
    out.set(s.rekey.repartitionTopic, s.source.latenessMs + delay);
  }
  return out;
}

/** The event-time delay a stream-join adds downstream: within + grace + 1 (0 for other operators). */
export function joinDelay(op: PlanOp): number {
  return op.kind === "stream-join" ? op.withinMs + op.graceMs + 1 : 0;
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
  for (const topic of repartitionTopics(plan).keys()) add(topic);
  return order;
}

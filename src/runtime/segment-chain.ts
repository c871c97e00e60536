// Runtime stage: the operator chain of one segment: operators in plan order, each forwarding to the
// next, ending in the rule's sink or in a repartition output. An operator that throws costs one dead letter.
import type { DeadLetter, DeadLetterReason, Origin, OutputRecord, StreamRecord } from "../core/record.ts";
import type { Value } from "../core/value.ts";
import type { CompiledExpr } from "../eval/compile-expr.ts";
import type { Operator, OperatorContext, TimerService } from "../operators/operator.ts";
import { createSinkOperator } from "../operators/sink.ts";
import { keyFromValues } from "../operators/store-keys.ts";
import type { Expr } from "../plan/expr.ts";
import { opSinks } from "../plan/outputs.ts";
import type { PlanOp } from "../plan/plan.ts";
import { joinDelay, type Segment } from "../plan/segments.ts";
import { StateMissError } from "../state/state-errors.ts";
import type { TaskStateStores } from "../state/store.ts";
import { MAX_TIMER_TIME, type TaskTimers } from "../time/timer-service.ts";
import { repartitionValue } from "./repartition-serde.ts";

/** Builds the operator for one plan op (D1's factory, or a test double). */
export type OperatorFactory = (op: PlanOp, ctx: OperatorContext, sourceAlias: string) => Operator;

/** Compiles a checked expression with the task's parameters. */
export type ExprCompiler = (expr: Expr) => CompiledExpr;

/** What a chain needs from its task. */
export interface ChainEnv {
  readonly stores: TaskStateStores;
  readonly timers: TaskTimers;
  readonly params: ReadonlyMap<string, Value>;
  readonly watermark: () => number;
  /**
   * The watermark an operator `delay` ms downstream of stream-joins sees (default: watermark() - delay).
   * The task passes one that, while a timer at T fires, answers min(watermark, T) - delay.
   */
  readonly delayedWatermark?: (delay: number) => number;
  /**
   * The watermark a repartition record emitted now carries, its segment's join delay taken off
   * (default: the delayed watermark; the task's answers the timer being fired while one fires).
   */
  readonly carriedWatermark?: (delay: number) => number;
  readonly factory: OperatorFactory;
  readonly compile: ExprCompiler;
  readonly output: (record: OutputRecord) => void;
  readonly repartition: (record: OutputRecord) => void;
  readonly deadLetter: (letter: DeadLetter) => void;
}

/** A built chain: entry points by operator index; `ops.length` is the terminal (sink or repartition). */
export interface SegmentChain {
  readonly segment: Segment;
  enter(index: number, record: StreamRecord): void;
  /** Operators by timer id (`<rule>.<op>`). */
  readonly operators: ReadonlyMap<string, Operator>;
}

/** Timer and operator id of an op: `<rule>.<op name>`. */
export function operatorId(segment: Segment, op: PlanOp): string {
  return `${segment.rule.name}.${op.name}`;
}

/** Key of evaluated key expressions (the operators' encoding: null for one null, String(v), or a JSON array). */
export const keyString: (values: readonly Value[]) => string | null = keyFromValues;

/** Builds the chain of `segment`: operators are created once here (compiling their expressions). */
export function buildSegmentChain(segment: Segment, env: ChainEnv): SegmentChain {
  const rule = segment.rule.name;
  const stages: ((record: StreamRecord) => void)[] = [];
  const operators = new Map<string, Operator>();
  const dead = (record: StreamRecord, reason: DeadLetterReason, message: string): void =>
    env.deadLetter(letterFor(record, reason, message, rule));
  const guarded =
    (index: number) =>
    (record: StreamRecord): void => {
      try {
        stages[index]!(record);
      } catch (e) {
        if (e instanceof StateMissError) throw e; // not the record's fault: the task rolls back
        dead(record, "operator-error", `${stageName(segment, index)}: ${(e as Error).message ?? String(e)}`);
      }
    };
  const delays = joinDelays(segment.ops);
  const contextFor = (id: string, next: number, delay: number): OperatorContext => ({
    rule,
    params: env.params,
    store: (name) => env.stores.store(name),
    timers: delayTimers(env.timers.forOperator(id), delay),
    watermark: delay === 0 ? env.watermark : () => delayedWatermark(env, delay),
    forward: guarded(next),
    deadLetter: dead,
  });
  segment.ops.forEach((op, i) => {
    const delay = delays[i]!;
    const ctx = withSideSink(op, contextFor(operatorId(segment, op), i + 1, delay), env, dead);
    const operator = env.factory(op, ctx, segment.rule.source.alias);
    operators.set(operatorId(segment, op), delayOnTimer(operator, delay));
    stages.push((r) => operator.process(r));
  });
  const last = contextFor(
    `${rule}.${segment.rule.sink.name}`,
    segment.ops.length + 1,
    delays[segment.ops.length]!,
  );
  stages.push(
    segment.rekey ? rekeyStage(segment, env, delays[segment.ops.length]!) : sinkStage(segment, env, last),
  );
  const entries = stages.map((_, i) => guarded(i));
  return { segment, operators, enter: (index, record) => entries[index]!(record) };
}

/** Per operator index (and the terminal at ops.length): the summed delay of the stream-joins before it. */
export function joinDelays(ops: readonly PlanOp[]): number[] {
  const out = [0];
  for (const op of ops) out.push(out[out.length - 1]! + joinDelay(op));
  return out;
}

function delayedWatermark(env: ChainEnv, delay: number): number {
  return env.delayedWatermark ? env.delayedWatermark(delay) : env.watermark() - delay;
}

/** A timer at t of a delayed operator is stored at t + delay (capped at the end-of-input time). */
function delayTimers(timers: TimerService, delay: number): TimerService {
  if (delay === 0) return timers;
  const shift = (t: number): number => (t >= MAX_TIMER_TIME - delay ? MAX_TIMER_TIME : t + delay);
  return {
    register: (t, key) => timers.register(shift(t), key),
    cancel: (t, key) => timers.cancel(shift(t), key),
  };
}

/** Hands a delayed operator its timers at the time it registered them. */
function delayOnTimer(operator: Operator, delay: number): Operator {
  if (delay === 0) return operator;
  return {
    process: (r) => operator.process(r),
    onTimer: (t, key) => operator.onTimer(t >= MAX_TIMER_TIME ? t : t - delay, key),
  };
}

/** The operator's context with `sideOutput` feeding its side sink (a pattern's timeout output), if any. */
function withSideSink(
  op: PlanOp,
  ctx: OperatorContext,
  env: ChainEnv,
  dead: (record: StreamRecord, reason: DeadLetterReason, message: string) => void,
): OperatorContext {
  const [spec] = opSinks(op);
  if (spec === undefined) return ctx;
  const sink = createSinkOperator(spec, ctx, env.compile, { emit: env.output });
  const sideOutput = (record: StreamRecord): void => {
    try {
      sink.process(record);
    } catch (e) {
      dead(record, "operator-error", `${ctx.rule}.${spec.name}: ${(e as Error).message ?? String(e)}`);
    }
  };
  return { ...ctx, sideOutput };
}

function rekeyStage(segment: Segment, env: ChainEnv, delay: number): (record: StreamRecord) => void {
  const rekey = segment.rekey!;
  const keys = rekey.keys.map((k) => env.compile(k));
  const carried = env.carriedWatermark ?? ((d: number) => delayedWatermark(env, d));
  return (record) => {
    const key = keyString(keys.map((k) => k(record.value)));
    env.repartition({
      topic: rekey.repartitionTopic,
      key,
      value: repartitionValue(record.value, record.origin, carried(delay)),
      timestamp: record.timestamp,
      rule: segment.rule.name,
      ...(record.evidence ? { evidence: record.evidence } : {}),
    });
  };
}

function sinkStage(segment: Segment, env: ChainEnv, ctx: OperatorContext): (record: StreamRecord) => void {
  const sink = createSinkOperator(segment.rule.sink, ctx, env.compile, { emit: env.output });
  return (record) => sink.process(record);
}

function stageName(segment: Segment, index: number): string {
  const op = segment.ops[index];
  if (op) return `${segment.rule.name}.${op.name}`;
  return segment.rekey
    ? `${segment.rule.name}.${segment.rekey.name}`
    : `${segment.rule.name}.${segment.rule.sink.name}`;
}

/** A dead letter for a record in flight (its raw form is its environment as JSON). */
export function letterFor(
  record: StreamRecord,
  reason: DeadLetterReason,
  message: string,
  rule: string | null,
): DeadLetter {
  return {
    reason,
    message,
    rule,
    origin: record.origin,
    raw: safeJson(record.value),
    timestamp: record.timestamp,
  };
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v);
  } catch {
    return String(v);
  }
}

/** A synthetic origin for work done on a timer (no input record triggered it). */
export function timerOrigin(time: number): Origin {
  return { topic: "$timer", partition: 0, offset: time };
}

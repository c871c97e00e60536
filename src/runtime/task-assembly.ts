// Runtime stage: how a task is put together from its options: the merge, the watermark tracker,
// the timers, the operator chains and the routes to them, wired once at creation (task.ts runs them).
import type { Value } from "../core/value.ts";
import { compileExpr } from "../eval/compile-expr.ts";
import type { Operator } from "../operators/operator.ts";
import { TASK_STORE, TIMER_STORE } from "../plan/internal-topics.ts";
import type { ProgramPlan } from "../plan/plan.ts";
import {
  planSegments,
  repartitionTopics,
  type Segment,
  segmentTopics,
  topicOrder,
} from "../plan/segments.ts";
import type { KeyValueStore, TaskStateStores } from "../state/store.ts";
import { type ChannelWatermarks, createChannelWatermarks } from "../time/channel-watermarks.ts";
import { createTaskTimers, MAX_TIMER_TIME, type TaskTimers } from "../time/timer-service.ts";
import {
  createWatermarkTracker,
  type TrackedPartition,
  type WatermarkTracker,
} from "../time/watermark-tracker.ts";
import {
  createInputMerger,
  type InputMerger,
  inputId,
  type MergeInput,
  type WallClockIdle,
} from "./input-merger.ts";
import { defaultOperatorFactory } from "./operator-factory.ts";
import { OutputBuffer } from "./output-buffer.ts";
import { buildSegmentChain, type ChainEnv, joinDelays, type OperatorFactory } from "./segment-chain.ts";
import { type DecodedInput, type TopicFormat, topicFormats } from "./task-input.ts";
import { TaskPrefetch } from "./task-prefetch.ts";
import { buildRoutes, type Route } from "./task-routes.ts";
import { createTaskCounters, type TaskCounters } from "./task-stats.ts";

export interface TaskOptions {
  readonly id: string;
  readonly plan: ProgramPlan;
  readonly stores: TaskStateStores;
  /** Overrides of the plan's parameter defaults, by name. */
  readonly params?: ReadonlyMap<string, Value> | Readonly<Record<string, Value>>;
  /** Every input partition of this task: source topics, joined tables, repartition channels. */
  readonly partitions: readonly { readonly topic: string; readonly partition: number }[];
  /** Stream-time idle timeout (ms): a partition this far behind stream time stops holding the watermark. */
  readonly idleTimeout?: number;
  /** Event-time spacing of watermark-only records on the repartition channels this task writes. */
  readonly watermarkInterval?: number;
  /** Wall-clock merge idleness (Kafka worker only; breaks replay determinism, see docs/runtime.md). */
  readonly wallClockIdle?: WallClockIdle;
  /**
   * Ids of the segments this task runs (see segments.ts and task-groups.ts). Default: every segment
   * whose main input topic the task reads (pass them explicitly when a stream-join re-keys its right side).
   */
  readonly segments?: readonly string[];
  /** Operator factory; defaults to the operators of src/operators. */
  readonly operatorFactory?: OperatorFactory;
}

/** The parts of a task, wired together once at creation. */
export interface TaskParts {
  readonly merger: InputMerger<DecodedInput>;
  readonly tracker: WatermarkTracker;
  readonly timers: TaskTimers;
  readonly taskStore: KeyValueStore;
  readonly counters: TaskCounters;
  readonly buffer: OutputBuffer;
  readonly formats: ReadonlyMap<string, TopicFormat>;
  readonly routes: ReadonlyMap<string, readonly Route[]>;
  readonly operators: ReadonlyMap<string, Operator>;
  readonly clock: FiringClock;
  readonly prefetch: TaskPrefetch;
  readonly channels: ChannelWatermarks;
}

/**
 * The time of the timer being fired, if any. While a timer at T fires, an operator downstream of a
 * stream-join (delay d) sees min(watermark, T) - d: the watermark it would have seen had the task
 * watermark advanced timer by timer, as Flink's does operator by operator. At the end-of-input time
 * (or with no timer firing) it sees watermark - d; +Infinity stays +Infinity.
 */
interface FiringClock {
  firing: number | null;
}

function delayedView(tracker: WatermarkTracker, clock: FiringClock, delay: number): number {
  const wm = tracker.current();
  const t = clock.firing;
  const at = t !== null && t < wm && t < MAX_TIMER_TIME ? t : wm;
  return at - delay;
}

export function assemble(opts: TaskOptions): TaskParts {
  const { plan, stores } = opts;
  const params = resolveParams(plan, opts.params);
  const formats = topicFormats(plan);
  const order = topicOrder(plan);
  const topics = new Set(opts.partitions.map((p) => p.topic));
  const chosen = opts.segments ? new Set(opts.segments) : null;
  const segments = planSegments(plan).filter((s) => (chosen ? chosen.has(s.id) : topics.has(s.inputTopic)));
  checkSideInputs(segments, topics);
  const inputs: MergeInput[] = opts.partitions.map((p) => ({
    ...p,
    order: order.get(p.topic) ?? order.size,
  }));
  const tracker = createWatermarkTracker(trackedPartitions(opts.partitions, formats, plan), opts.idleTimeout);
  const timers = createTaskTimers(stores.store(TIMER_STORE));
  const counters = createTaskCounters();
  const buffer = new OutputBuffer(counters);
  const clock: FiringClock = { firing: null };
  const env: ChainEnv = {
    stores,
    timers,
    params,
    watermark: () => tracker.current(),
    delayedWatermark: (delay) => delayedView(tracker, clock, delay),
    carriedWatermark: (delay) => delayedView(tracker, clock, delay),
    factory: opts.operatorFactory ?? defaultOperatorFactory,
    compile: (e) => compileExpr(e, params),
    output: (o) => buffer.output(o),
    repartition: (o) => buffer.repartitions.push(o),
    deadLetter: (d) => buffer.deadLetter(d),
  };
  const chains = segments.map((s) => buildSegmentChain(s, env));
  const routes = buildRoutes(chains, env, (rule) => counters.ruleInput(rule));
  return {
    merger: createInputMerger<DecodedInput>(inputs, opts.wallClockIdle),
    tracker,
    timers,
    taskStore: stores.store(TASK_STORE),
    counters,
    buffer,
    formats,
    routes,
    operators: new Map(chains.flatMap((c) => [...c.operators])),
    clock,
    prefetch: new TaskPrefetch(routes, chains),
    channels: createChannelWatermarks(
      segments.flatMap((s) =>
        s.rekey ? [{ topic: s.rekey.repartitionTopic, delayMs: joinDelays(s.ops)[s.ops.length]! }] : [],
      ),
      opts.watermarkInterval,
    ),
  };
}

function trackedPartitions(
  partitions: TaskOptions["partitions"],
  formats: ReadonlyMap<string, TopicFormat>,
  plan: ProgramPlan,
): TrackedPartition[] {
  const repartitioned = repartitionTopics(plan);
  return partitions.map((p) => {
    const f = formats.get(p.topic);
    const latenessMs = f?.kind === "stream" ? f.decl.latenessMs : (repartitioned.get(p.topic) ?? 0);
    return { id: inputId(p.topic, p.partition), latenessMs, holdsWatermark: f?.kind !== "table" };
  });
}

function checkSideInputs(segments: readonly Segment[], topics: ReadonlySet<string>): void {
  for (const s of segments) {
    for (const t of segmentTopics(s)) {
      if (!topics.has(t)) throw new Error(`segment ${s.id} reads ${t}, which the task was not given`);
    }
  }
}

function resolveParams(plan: ProgramPlan, given: TaskOptions["params"]): ReadonlyMap<string, Value> {
  const params = new Map<string, Value>(plan.params.map((p) => [p.name, p.defaultValue]));
  const entries = given instanceof Map ? [...given] : Object.entries(given ?? {});
  for (const [k, v] of entries) params.set(k, v);
  return params;
}

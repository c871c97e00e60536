// Runtime stage: the task. Runs every rule segment whose input topics it was given, over a
// deterministic merge of its input partitions, with event-time watermarks, persisted timers and one
// commit boundary. The same input partitions give the same output whatever the batching.
import type { DeadLetter, OutputRecord, StreamRecord } from "../core/record.ts";
import type { Row, Value } from "../core/value.ts";
import { compileExpr } from "../eval/compile-expr.ts";
import type { ProgramPlan } from "../plan/plan.ts";
import type { TaskStateStores } from "../state/store.ts";
import { createTaskTimers } from "../time/timer-service.ts";
import { createWatermarkTracker, type TrackedPartition } from "../time/watermark-tracker.ts";
import {
  createInputMerger,
  inputId,
  type MergeInput,
  type PendingRecord,
  type WallClockIdle,
} from "./input-merger.ts";
import { defaultOperatorFactory } from "./operator-factory.ts";
import {
  buildSegmentChain,
  type ChainEnv,
  keyString,
  type OperatorFactory,
  type SegmentChain,
  timerOrigin,
} from "./segment-chain.ts";
import { planSegments, repartitionTopics, type Segment, segmentTopics, topicOrder } from "./segments.ts";
import type { InputRecord, TaskOutput, TaskRuntime, TaskStats } from "./task-api.ts";
import { type DecodedInput, decodeInput, type TopicFormat, topicFormats } from "./task-input.ts";
import { createTaskCounters } from "./task-stats.ts";

/** Store holding the task's timers; `$task` holds its watermark state. */
export const TIMER_STORE = "$timers";
export const TASK_STORE = "$task";

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

/** A task as the embedded runner drives it: the contract plus per-partition end of input. */
export interface LocalTaskRuntime extends TaskRuntime {
  endOfPartition(topic: string, partition: number): void;
  stats(): TaskStats;
  watermark(): number;
}

/** Creates a task and restores it from its stores' last checkpoint. */
export async function createTask(opts: TaskOptions): Promise<LocalTaskRuntime> {
  const { plan, stores } = opts;
  const checkpoint = await stores.open();
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
  const merger = createInputMerger<DecodedInput>(inputs, opts.wallClockIdle);
  const tracker = createWatermarkTracker(trackedPartitions(opts.partitions, formats, plan), opts.idleTimeout);
  const timers = createTaskTimers(stores.store(TIMER_STORE));
  const taskStore = stores.store(TASK_STORE);
  const counters = createTaskCounters();

  let outputs: OutputRecord[] = [];
  let repartitions: OutputRecord[] = [];
  let deadLetters: DeadLetter[] = [];
  const deadLetter = (d: DeadLetter): void => {
    counters.deadLetter(d);
    deadLetters.push(d);
  };
  const env: ChainEnv = {
    stores,
    timers,
    params,
    watermark: () => tracker.current(),
    factory: opts.operatorFactory ?? defaultOperatorFactory,
    compile: (e) => compileExpr(e, params),
    output: (o) => {
      counters.output(o.rule);
      outputs.push(o);
    },
    repartition: (o) => repartitions.push(o),
    deadLetter,
  };
  const chains = segments.map((s) => buildSegmentChain(s, env));
  const routes = buildRoutes(chains, env);
  const operators = new Map(chains.flatMap((c) => [...c.operators]));

  let committedPositions: Record<string, number> = { ...(checkpoint?.inputOffsets ?? {}) };
  const restoredMarks = taskStore.get("watermarks") ?? checkpoint?.meta["watermarks"];
  if (restoredMarks !== undefined) tracker.restore(restoredMarks);
  let committedMarks = tracker.snapshot();
  merger.reset(committedPositions);

  const fireTimers = (): void => {
    const wm = tracker.advance();
    timers.fireDue(wm, (t) => {
      const op = operators.get(t.operator);
      if (!op) return; // a timer of an operator that no longer exists (rule removed): dropped
      try {
        op.onTimer(t.time, t.key);
      } catch (e) {
        const rule = t.operator.slice(0, t.operator.indexOf("."));
        const rec: StreamRecord = { key: t.key, value: {}, timestamp: t.time, origin: timerOrigin(t.time) };
        deadLetter({
          reason: "operator-error",
          message: `${t.operator} timer: ${(e as Error).message}`,
          rule,
          origin: rec.origin,
          raw: "",
          timestamp: t.time,
        });
      }
    });
  };

  const dispatch = (rec: PendingRecord<DecodedInput>): void => {
    const { input, payload, eventTime } = rec;
    counters.input();
    if (payload.kind === "error") {
      const origin = { topic: input.topic, partition: input.partition, offset: input.offset };
      deadLetter({
        reason: payload.reason,
        message: payload.message,
        rule: null,
        origin,
        raw: input.value,
        timestamp: eventTime,
      });
      return;
    }
    for (const route of routes.get(input.topic) ?? []) route(input, payload, eventTime);
  };

  let anyEnded = false;
  const pump = (): void => {
    for (;;) {
      if (anyEnded) for (const id of merger.drainedEnded()) tracker.end(id);
      fireTimers();
      const rec = merger.next();
      if (!rec) break;
      dispatch(rec);
      if (formats.get(rec.input.topic)?.kind !== "table")
        tracker.observe(inputId(rec.input.topic, rec.input.partition), rec.eventTime);
    }
    taskStore.put("watermarks", tracker.snapshot());
  };

  return {
    id: opts.id,
    push(records) {
      for (const r of records) {
        const format = formats.get(r.topic);
        if (!format)
          throw new Error(`task ${opts.id}: no stream, table or repartition topic named ${r.topic}`);
        merger.push(decodeInput(r, format));
      }
      pump();
    },
    endOfPartition(topic, partition) {
      anyEnded = true;
      merger.end(inputId(topic, partition));
      pump();
    },
    endOfInput() {
      anyEnded = true;
      for (const p of opts.partitions) merger.end(inputId(p.topic, p.partition));
      pump();
      tracker.endAll();
      fireTimers();
      taskStore.put("watermarks", tracker.snapshot());
    },
    drain(): TaskOutput {
      const out: TaskOutput = { outputs, deadLetters, repartitions, changes: stores.pendingChanges() };
      outputs = [];
      deadLetters = [];
      repartitions = [];
      return out;
    },
    positions: () => merger.positions(),
    async commit() {
      const positions = merger.positions();
      const marks = tracker.snapshot();
      taskStore.put("watermarks", marks);
      await stores.commit({ inputOffsets: positions, changelogOffsets: {}, meta: { watermarks: marks } });
      committedPositions = positions;
      committedMarks = marks;
    },
    rollback() {
      stores.rollback();
      timers.invalidate();
      merger.reset(committedPositions);
      tracker.restore(committedMarks);
      outputs = [];
      deadLetters = [];
      repartitions = [];
      anyEnded = false;
    },
    close: () => stores.close(),
    stats: () => counters.snapshot(timers.size()),
    watermark: () => tracker.current(),
  };
}

type Route = (
  input: InputRecord,
  payload: Exclude<DecodedInput, { kind: "error" }>,
  eventTime: number,
) => void;

/** For each topic, what its records feed: segment entries, join right sides, table stores. */
function buildRoutes(chains: readonly SegmentChain[], env: ChainEnv): Map<string, Route[]> {
  const routes = new Map<string, Route[]>();
  const add = (topic: string, r: Route): void => {
    routes.set(topic, [...(routes.get(topic) ?? []), r]);
  };
  for (const chain of chains) {
    const s = chain.segment;
    add(s.inputTopic, (input, payload, eventTime) => {
      const origin = payload.kind === "env" ? payload.origin : originOf(input);
      const value: Row = payload.kind === "env" ? payload.env : { [s.alias]: payload.row };
      const key =
        input.key ??
        (payload.kind === "row" && s.source.keyField
          ? keyString([payload.row?.[s.source.keyField] ?? null])
          : null);
      const rec: StreamRecord = {
        key,
        value,
        timestamp: eventTime,
        origin,
        ...(payload.kind === "env" && payload.evidence ? { evidence: payload.evidence } : {}),
      };
      chain.enter(0, rec);
    });
    for (const side of s.sideInputs) {
      if (side.kind === "table") {
        // The table-join operator materializes its table: an environment binding its alias is an update.
        const alias = side.op.alias;
        add(side.topic, (input, payload, eventTime) => {
          if (payload.kind !== "row") return;
          const key =
            input.key ?? (payload.row ? keyString([payload.row[side.decl.keyField] ?? null]) : null);
          if (key === null) return;
          chain.enter(side.opIndex, {
            key,
            value: { [alias]: payload.row },
            timestamp: eventTime,
            origin: originOf(input),
          });
        });
      } else if (side.repartitioned) {
        // Already re-keyed upstream (a right re-key segment): the environment binds the right alias.
        add(side.topic, (input, payload, eventTime) => {
          if (payload.kind !== "env") return;
          const rec: StreamRecord = {
            key: input.key,
            value: payload.env,
            timestamp: eventTime,
            origin: payload.origin,
          };
          chain.enter(side.opIndex, rec);
        });
      } else {
        const keys = side.op.rightKeys.map((k) => env.compile(k));
        add(side.topic, (input, payload, eventTime) => {
          if (payload.kind !== "row" || payload.row === null) return;
          const value: Row = { [side.op.right.alias]: payload.row };
          const key = keys.length > 0 ? keyString(keys.map((k) => k(value))) : input.key;
          chain.enter(side.opIndex, { key, value, timestamp: eventTime, origin: originOf(input) });
        });
      }
    }
  }
  return routes;
}

function originOf(input: InputRecord) {
  return { topic: input.topic, partition: input.partition, offset: input.offset };
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

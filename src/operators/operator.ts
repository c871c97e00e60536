// Operators stage: one lifecycle for every operator. An operator owns its stores (named in its
// PlanOp), processes records synchronously, and reacts to watermark advances through timers.
// Operators never import kafkajs or know which runner drives them.
import type { DeadLetterReason, OutputRecord, StreamRecord } from "../core/record.ts";
import type { Value } from "../core/value.ts";
import type { KeyValueStore } from "../state/store.ts";

/** Event-time timers, persisted in the task's state so they survive a restart. Fired in (time, key) order. */
export interface TimerService {
  /** Requests onTimer(time, key) once the watermark reaches `time` (watermark >= time). Idempotent. */
  register(time: number, key: string): void;
  cancel(time: number, key: string): void;
}

export interface OperatorContext {
  readonly rule: string;
  readonly params: ReadonlyMap<string, Value>;
  store(name: string): KeyValueStore;
  readonly timers: TimerService;
  /** The task's current watermark (event time, ms); -Infinity before any input. */
  watermark(): number;
  /** Passes a record to the next operator of the pipeline (or the sink). */
  forward(record: StreamRecord): void;
  /**
   * Passes a record to the operator's side sink (a pattern's `on timeout emit`, PatternOp.onTimeout);
   * present only for an operator whose plan op has one.
   */
  readonly sideOutput?: (record: StreamRecord) => void;
  /** Sends a record to the dead-letter output with a reason; counted per reason. */
  deadLetter(record: StreamRecord, reason: DeadLetterReason, message: string): void;
}

export interface Operator {
  process(record: StreamRecord): void;
  /** A timer this operator registered is due (watermark >= time). */
  onTimer(time: number, key: string): void;
}

/** The last stage of a rule: projects and hands records to the task's output. */
export interface SinkContext {
  emit(record: OutputRecord): void;
}

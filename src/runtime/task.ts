// Runtime stage: the task. Runs every rule segment whose input topics it was given, over a
// deterministic merge of its input partitions, with event-time watermarks, persisted timers and one
// commit boundary. The same input partitions give the same output whatever the batching.
import type { Value } from "../core/value.ts";
import { TASK_STORE, TIMER_STORE } from "../plan/internal-topics.ts";
import { isPrefetching, type PrefetchingStores } from "../state/cached-rocksdb-stores.ts";
import { StateMissError } from "../state/state-errors.ts";
import type { Checkpoint } from "../state/store.ts";
import type { ChannelWatermark } from "../time/channel-watermarks.ts";
import type { DueTimer } from "../time/timer-service.ts";
import { inputId, type PendingRecord } from "./input-merger.ts";
import { timerOrigin } from "./segment-chain.ts";
import type { InputRecord, TaskOutput, TaskRuntime, TaskStats } from "./task-api.ts";
import { assemble, type TaskOptions, type TaskParts } from "./task-assembly.ts";
import { type DecodedInput, decodeInput } from "./task-input.ts";
import { latestEventTime, TIMER_CHUNK } from "./task-prefetch.ts";
import { originOf, type Route } from "./task-routes.ts";

// The task's own stores ($timers: its timers; $task: its watermark state) are named in the plan,
// beside the operator stores, since their changelog topics are part of the deployed topology.
export { TASK_STORE, TIMER_STORE } from "../plan/internal-topics.ts";

/** The task's own stores, held whole in memory over a state cache (timers load at open). */
export const PINNED_STORES: readonly string[] = [TIMER_STORE, TASK_STORE];

export type { TaskOptions } from "./task-assembly.ts";

// `$task` key of the channels whose last released record was watermark-only (see quietInputs).
const QUIET_KEY = "quiet-channels";

/** A task as the embedded runner drives it: the contract plus per-partition end of input. */
export interface LocalTaskRuntime extends TaskRuntime {
  endOfPartition(topic: string, partition: number): void;
  /** push for stores over a bounded cache: prefetches what the records and due timers read (for memory stores: push). */
  process(records: readonly InputRecord[]): Promise<void>;
  /** advanceWatermark for stores over a bounded cache. */
  advanceTo(t: number): Promise<void>;
  /** endOfPartition for stores over a bounded cache (prefetches first; the same for memory stores). */
  endPartition(topic: string, partition: number): Promise<void>;
  /** endOfInput for stores over a bounded cache: fires the pending timers in prefetched chunks. */
  finish(): Promise<void>;
  stats(): TaskStats;
  watermark(): number;
  /**
   * A live source partition was found idle at wall-clock `now`: its watermark advances to
   * `now - lateness` (never back), the decision is written to the `$task` store (so it is in the
   * changelog, in the same transaction as what it caused), and due timers fire. False when it moved
   * nothing (the partition's watermark was already there).
   */
  declareIdle(topic: string, partition: number, now: number): Promise<boolean>;
  /** declareIdle for stores that need no prefetch (memory stores): runs to completion at once. */
  declareIdleNow(topic: string, partition: number, now: number): boolean;
}

/** Creates a task and restores it from its stores' last checkpoint. */
export async function createTask(opts: TaskOptions): Promise<LocalTaskRuntime> {
  const checkpoint = await opts.stores.open();
  return new Task(opts, assemble(opts), checkpoint);
}

class Task implements LocalTaskRuntime {
  readonly id: string;
  private committedPositions: Record<string, number>;
  private committedMarks: Value;
  /** Channels whose upstream said it is quiet, as of the committed positions. */
  private committedQuiet: string[];
  private readonly opts: TaskOptions;
  private readonly parts: TaskParts;
  /** fireTimer bound once (pump hands it to the timers for every record it releases). */
  private readonly fire = (t: DueTimer): void => this.fireTimer(t);

  constructor(opts: TaskOptions, parts: TaskParts, checkpoint: Checkpoint | null) {
    this.id = opts.id;
    this.opts = opts;
    this.parts = parts;
    this.committedPositions = { ...(checkpoint?.inputOffsets ?? {}) };
    const marks = parts.taskStore.get("watermarks") ?? checkpoint?.meta["watermarks"];
    if (marks !== undefined) parts.tracker.restore(marks);
    this.committedMarks = parts.tracker.snapshot();
    this.committedQuiet = (parts.taskStore.get(QUIET_KEY) as string[] | undefined) ?? [];
    parts.merger.reset(this.committedPositions, this.committedQuiet);
    parts.channels.reset(parts.tracker.current());
  }

  push(records: readonly InputRecord[]): void {
    for (const r of records) this.parts.merger.push(this.decode(r));
    this.pump();
  }

  async process(records: readonly InputRecord[]): Promise<void> {
    const stores = this.opts.stores;
    if (!isPrefetching(stores)) return this.push(records);
    for (const r of records) this.parts.merger.push(this.decode(r));
    // The watermark cannot pass the latest buffered event time before more input comes.
    const bound = Math.max(this.parts.tracker.current(), latestEventTime(this.parts.merger.held()));
    await this.settle(stores, bound);
  }

  async endPartition(topic: string, partition: number): Promise<void> {
    const stores = this.opts.stores;
    if (!isPrefetching(stores)) return this.endOfPartition(topic, partition);
    this.parts.merger.end(inputId(topic, partition));
    await this.settle(stores, Number.POSITIVE_INFINITY);
  }

  async finish(): Promise<void> {
    const stores = this.opts.stores;
    if (!isPrefetching(stores)) return this.endOfInput();
    for (const p of this.opts.partitions) this.parts.merger.end(inputId(p.topic, p.partition));
    await this.settle(stores, Number.POSITIVE_INFINITY);
    this.parts.tracker.endAll();
    await this.settle(stores, Number.POSITIVE_INFINITY);
    this.saveMarks(this.parts.tracker.snapshot());
  }

  async advanceTo(t: number): Promise<void> {
    const stores = this.opts.stores;
    if (!isPrefetching(stores)) return this.advanceWatermark(t);
    if (Number.isNaN(t)) throw new Error(`task ${this.id}: advanceWatermark needs a time, got NaN`);
    if (t <= this.parts.tracker.current()) return;
    this.parts.tracker.raiseTo(t);
    await this.settle(stores, t);
  }

  endOfPartition(topic: string, partition: number): void {
    this.parts.merger.end(inputId(topic, partition));
    this.pump();
  }

  endOfInput(): void {
    for (const p of this.opts.partitions) this.parts.merger.end(inputId(p.topic, p.partition));
    this.pump();
    this.parts.tracker.endAll();
    this.fireTimers();
    this.saveMarks(this.parts.tracker.snapshot());
  }

  advanceWatermark(t: number): void {
    if (Number.isNaN(t)) throw new Error(`task ${this.id}: advanceWatermark needs a time, got NaN`);
    // Only a move forward changes anything: partition watermarks stay as they are otherwise.
    if (t <= this.parts.tracker.current()) return;
    this.parts.tracker.raiseTo(t);
    this.pump(); // fires the due timers, releases what the merge allows, persists the watermarks
  }

  drain(opts?: { readonly changes?: boolean }): TaskOutput {
    const { outputs, deadLetters, repartitions, watermarks } = this.parts.buffer;
    this.parts.buffer.clear();
    if (opts?.changes === false) return { outputs, deadLetters, repartitions, changes: [], watermarks };
    this.parts.timers.flush(); // the timers' changes belong to this batch's changelog
    const changes = this.opts.stores.pendingChanges();
    return { outputs, deadLetters, repartitions, changes, watermarks };
  }

  positions(): Readonly<Record<string, number>> {
    return this.parts.merger.positions();
  }

  async commit(): Promise<void> {
    const positions = this.parts.merger.positions();
    const marks = this.parts.tracker.snapshot();
    this.saveMarks(marks);
    this.parts.timers.flush();
    await this.opts.stores.commit({
      inputOffsets: positions,
      changelogOffsets: {},
      meta: { watermarks: marks },
    });
    this.committedPositions = positions;
    this.committedMarks = marks;
    this.committedQuiet = this.parts.merger.quietInputs();
  }

  rollback(): void {
    this.opts.stores.rollback();
    this.parts.timers.invalidate();
    this.parts.merger.reset(this.committedPositions, this.committedQuiet);
    this.parts.tracker.restore(this.committedMarks);
    this.parts.channels.reset(this.parts.tracker.current());
    this.parts.buffer.clear();
  }

  close(): Promise<void> {
    return this.opts.stores.close();
  }

  stats(): TaskStats {
    const stats = this.parts.counters.snapshot(this.parts.timers.size());
    const stores = this.opts.stores;
    return isPrefetching(stores) ? { ...stats, stateCache: stores.cacheStats() } : stats;
  }

  watermark(): number {
    return this.parts.tracker.current();
  }

  private decode(r: InputRecord): PendingRecord<DecodedInput> {
    const format = this.parts.formats.get(r.topic);
    if (!format) throw new Error(`task ${this.id}: no stream, table or repartition topic named ${r.topic}`);
    return decodeInput(r, format);
  }

  /**
   * Pumps in steps, each after prefetching what it may read: the buffered records and the next
   * TIMER_CHUNK timers due by `bound` (a step that would fire more stops before them). A read that
   * still misses throws StateMissError out of here: the caller rolls the task back.
   */
  private async settle(stores: PrefetchingStores, bound: number): Promise<void> {
    // Once per settle: records only leave the merge during its steps, so this stays a superset
    // (a released record's entries prefetched again after a trim are a harmless extra read).
    const held = this.parts.prefetch.recordNeeds(this.parts.merger.held());
    for (;;) {
      // The watermark may pass the bound (a carried watermark, an idle decision): it then stopped
      // before the timers it made due, and the next step prefetches them.
      const due = this.parts.timers.peekDue(Math.max(bound, this.parts.tracker.current()), TIMER_CHUNK);
      const needs = this.parts.prefetch.withTimers(held, due);
      if (!stores.holds(needs)) {
        stores.trim();
        await stores.prefetch(needs);
      }
      // Exactly the prefetched timers: any other that comes due stops the step before it fires.
      if (this.pump(due.length)) return;
    }
  }

  /**
   * Releases what the merge allows; before each release, ended partitions and due timers are settled.
   * Fires at most `budget` timers: false when it stopped there (call again to go on), true when done.
   */
  private pump(budget = Number.POSITIVE_INFINITY): boolean {
    const { merger, tracker, formats } = this.parts;
    let left = budget;
    for (;;) {
      const ended = merger.drainedEnded();
      for (let i = 0; i < ended.length; i++) tracker.end(ended[i] as string);
      const wm = tracker.advance();
      left -= this.parts.timers.fireDue(wm, this.fire, left);
      if (left <= 0 && this.parts.timers.peekDue(wm, 1).length > 0) {
        this.saveMarks(tracker.snapshot());
        return false;
      }
      this.tellChannels(wm);
      const rec = merger.next();
      if (!rec) break;
      this.dispatch(rec);
      // Undecodable records and table updates do not move event time; a repartition channel's
      // watermark is the one its records carry.
      const { payload } = rec;
      const id = inputId(rec.input.topic, rec.input.partition);
      if (payload.kind === "watermark") tracker.observeWatermark(id, payload.wm);
      else if (payload.kind === "env" && payload.wm !== undefined)
        tracker.observeWatermark(id, payload.wm, rec.eventTime);
      else if (payload.kind !== "error" && formats.get(rec.input.topic)?.kind !== "table") {
        tracker.observe(id, rec.eventTime);
      }
    }
    this.saveMarks(tracker.snapshot());
    return true;
  }

  /**
   * Writes the watermarks to `$task` only when they changed, so a batch that moved nothing (an idle
   * tick of a Kafka worker) leaves no pending change and no transaction to write.
   */
  private saveMarks(marks: Value): void {
    const { taskStore, merger } = this.parts;
    const quiet = merger.quietInputs();
    const quietBefore = (taskStore.get(QUIET_KEY) as string[] | undefined) ?? [];
    if (quiet.join("\n") !== quietBefore.join("\n")) {
      if (quiet.length === 0) taskStore.delete(QUIET_KEY);
      else taskStore.put(QUIET_KEY, quiet);
    }
    const current = taskStore.get("watermarks");
    if (current !== undefined && JSON.stringify(current) === JSON.stringify(marks)) return;
    taskStore.put("watermarks", marks);
  }

  private dispatch(rec: PendingRecord<DecodedInput>): void {
    const { input, payload, eventTime } = rec;
    if (payload.kind === "watermark") return; // moves event time only (pump)
    this.parts.counters.input();
    if (payload.kind === "error") {
      const { reason, message } = payload;
      this.parts.buffer.deadLetter({
        reason,
        message,
        rule: null,
        origin: originOf(input),
        raw: input.value,
        timestamp: eventTime,
      });
      return;
    }
    const routes = this.parts.routes.get(input.topic);
    if (routes === undefined) return;
    for (let i = 0; i < routes.length; i++) (routes[i] as Route).feed(input, payload, eventTime);
  }

  private fireTimers(): void {
    const wm = this.parts.tracker.advance();
    this.parts.timers.fireDue(wm, (t) => this.fireTimer(t));
    this.tellChannels(wm);
  }

  /** Told to the channels only once its timers fired: what they emitted carries the older one. */
  private tellChannels(wm: number): void {
    const due = this.parts.channels.due(wm);
    for (let i = 0; i < due.length; i++) this.parts.buffer.watermarks.push(due[i] as ChannelWatermark);
  }

  async declareIdle(topic: string, partition: number, now: number): Promise<boolean> {
    const stores = this.opts.stores;
    if (!isPrefetching(stores)) return this.declareIdleNow(topic, partition, now);
    const to = this.raiseIdle(topic, partition, now);
    // The task watermark rises to `to` at most: what may come due is bounded by it.
    if (to !== null) await this.settle(stores, Math.max(this.parts.tracker.current(), to));
    return to !== null;
  }

  declareIdleNow(topic: string, partition: number, now: number): boolean {
    if (isPrefetching(this.opts.stores))
      throw new Error(`task ${this.id}: prefetching stores: use declareIdle`);
    const moved = this.raiseIdle(topic, partition, now) !== null;
    if (moved) this.pump();
    return moved;
  }

  /** Raises an idle partition's watermark and records the decision; the new watermark, or null. */
  private raiseIdle(topic: string, partition: number, now: number): number | null {
    const { tracker, formats, taskStore } = this.parts;
    const format = formats.get(topic);
    if (format?.kind !== "stream") throw new Error(`task ${this.id}: only a stream partition can be idle`);
    const id = inputId(topic, partition);
    // Records of it still wait in the merge: it is not quiet, it is waiting for the others.
    if (this.parts.merger.holds(id)) return null;
    const to = now - format.decl.latenessMs;
    const from = tracker.partitionWatermark(id);
    if (!(to > from)) return null;
    tracker.observeWatermark(id, to);
    taskStore.put(`idle:${id}`, { wallClock: now, from: Number.isFinite(from) ? from : null, to });
    return to;
  }

  private fireTimer(t: DueTimer): void {
    const op = this.parts.operators.get(t.operator);
    if (!op) return; // a timer of an operator that no longer exists (rule removed): dropped
    this.parts.clock.firing = t.time;
    try {
      op.onTimer(t.time, t.key);
    } catch (e) {
      if (e instanceof StateMissError) throw e;
      const rule = t.operator.slice(0, t.operator.indexOf("."));
      const message = `${t.operator} timer: ${(e as Error).message}`;
      this.parts.buffer.deadLetter({
        reason: "operator-error",
        message,
        rule,
        origin: timerOrigin(t.time),
        raw: "",
        timestamp: t.time,
      });
    } finally {
      this.parts.clock.firing = null;
    }
  }
}

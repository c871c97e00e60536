// Testing kit: every task of a plan (one per sub-topology and partition), wired in memory and driven
// synchronously. A piped record is pushed to the tasks reading its partition; repartitioned records
// are handed to the downstream tasks at once, until nothing moves. The wiring follows the embedded
// runner (src/runtime/embedded-runner.ts) without its log, commits and journal.
import type { DeadLetter, OutputRecord } from "../core/record.ts";
import type { Value } from "../core/value.ts";
import type { ProgramPlan } from "../plan/plan.ts";
import { channelPartition, taskGroups } from "../plan/task-groups.ts";
import { inputId } from "../runtime/input-merger.ts";
import { partitionForKey } from "../runtime/partitioner.ts";
import { serializeRepartition, serializeWatermark } from "../runtime/repartition-serde.ts";
import { createTask, type LocalTaskRuntime } from "../runtime/task.ts";
import type { InputRecord } from "../runtime/task-api.ts";
import { createMemoryTaskStores } from "../state/memory-stores.ts";
import type { TaskStateStores } from "../state/store.ts";

export interface NetworkOptions {
  readonly plan: ProgramPlan;
  readonly partitions: number;
  readonly params?: Readonly<Record<string, Value>>;
  readonly idleTimeout?: number;
  /** True: a task never waits for its other inputs; each record is processed as it is pushed. */
  readonly asPiped: boolean;
}

interface Slot {
  readonly task: LocalTaskRuntime;
  readonly group: number;
  readonly partition: number;
  /** Repartition channels read: input id -> upstream slot key (`group/partition`). */
  readonly channels: ReadonlyMap<string, string>;
  /** External topics read. */
  readonly topics: ReadonlySet<string>;
  readonly nextOffset: Map<string, number>;
  finished: boolean;
}

/** The tasks of a plan, driven synchronously; outputs and dead letters accumulate in order. */
export class TaskNetwork {
  readonly outputs: OutputRecord[] = [];
  readonly deadLetters: DeadLetter[] = [];
  private readonly slots: readonly Slot[];
  private readonly partitions: number;

  private constructor(slots: readonly Slot[], partitions: number) {
    this.slots = slots;
    this.partitions = partitions;
  }

  static async create(opts: NetworkOptions): Promise<TaskNetwork> {
    const n = opts.partitions;
    const slots: Slot[] = [];
    // A fake clock that moves on every reading: no input ever looks recently active, so none blocks.
    let tick = 0;
    const wallClockIdle = opts.asPiped ? { now: () => ++tick, idleMs: 0 } : undefined;
    for (const group of taskGroups(opts.plan)) {
      for (let p = 0; p < n; p++) {
        const channels = new Map<string, string>();
        const topics = new Set<string>();
        const partitions: { topic: string; partition: number }[] = [];
        for (const topic of group.topics) {
          const from = group.upstream.get(topic);
          if (from === undefined) {
            topics.add(topic);
            partitions.push({ topic, partition: p });
            continue;
          }
          for (let up = 0; up < n; up++) {
            const partition = channelPartition(p, up, n);
            channels.set(inputId(topic, partition), `${from}/${up}`);
            partitions.push({ topic, partition });
          }
        }
        const task = await createTask({
          id: `${group.index}_${p}`,
          plan: opts.plan,
          stores: withoutChangeTracking(createMemoryTaskStores()),
          partitions,
          segments: group.segments,
          ...(opts.params ? { params: opts.params } : {}),
          ...(opts.idleTimeout !== undefined ? { idleTimeout: opts.idleTimeout } : {}),
          ...(wallClockIdle ? { wallClockIdle } : {}),
        });
        const nextOffset = new Map<string, number>();
        slots.push({ task, group: group.index, partition: p, channels, topics, nextOffset, finished: false });
      }
    }
    return new TaskNetwork(slots, n);
  }

  /** Pushes one external record to every task reading its topic and partition, then settles. */
  push(record: InputRecord): void {
    for (const slot of this.slots) {
      if (slot.partition === record.partition && slot.topics.has(record.topic)) slot.task.push([record]);
    }
    this.settle();
  }

  /** The external partition will get no more records. */
  endPartition(topic: string, partition: number): void {
    for (const slot of this.slots) {
      if (slot.partition === partition && slot.topics.has(topic)) slot.task.endOfPartition(topic, partition);
    }
    this.settle();
  }

  /** Ends every task, upstream ones first, so each fires all its timers (watermark to +infinity). */
  endOfInput(): void {
    for (let moved = true; moved; ) {
      moved = false;
      for (const slot of this.slots) {
        if (slot.finished || !this.upstreamsFinished(slot)) continue;
        slot.task.endOfInput();
        slot.finished = true;
        moved = true;
        this.settle();
      }
    }
  }

  /**
   * Raises every task's watermark to at least `t`, upstream tasks first (so what their timers emit
   * reaches the downstream tasks before those move), firing the timers that come due.
   */
  advanceTo(t: number): void {
    const done = new Set<Slot>();
    for (let moved = true; moved; ) {
      moved = false;
      for (const slot of this.slots) {
        if (done.has(slot) || !this.upstreamsIn(slot, done)) continue;
        slot.task.advanceWatermark(t);
        done.add(slot);
        moved = true;
        this.settle();
      }
    }
  }

  /**
   * Every partition of external topic `topic` was found idle at (simulated) wall-clock `now`: each
   * task reading it advances those partitions' watermarks to `now` less the stream's lateness and
   * fires what is due; what that emits reaches the downstream tasks. True when a watermark moved.
   */
  declareIdle(topic: string, now: number): boolean {
    let moved = false;
    for (const slot of this.slots) {
      if (!slot.topics.has(topic)) continue;
      moved = slot.task.declareIdleNow(topic, slot.partition, now) || moved;
      this.settle();
    }
    return moved;
  }

  /** The least watermark over the tasks (what every rule has seen). */
  watermark(): number {
    return Math.min(...this.slots.map((s) => s.task.watermark()));
  }

  /** Drains every task; repartitioned records go to their downstream task; repeats until quiet. */
  private settle(): void {
    for (let moved = true; moved; ) {
      moved = false;
      for (const slot of this.slots) {
        const out = slot.task.drain();
        this.outputs.push(...out.outputs);
        this.deadLetters.push(...out.deadLetters);
        for (const r of out.repartitions) {
          this.forward(slot, r);
          moved = true;
        }
        for (const w of out.watermarks) {
          for (let to = 0; to < this.partitions; to++)
            this.deliver(slot, w.topic, to, null, serializeWatermark(w.watermark), w.watermark);
          moved = true;
        }
      }
    }
  }

  private forward(from: Slot, r: OutputRecord): void {
    const to = partitionForKey(r.key ?? "", this.partitions);
    this.deliver(from, r.topic, to, r.key, serializeRepartition(r), r.timestamp);
  }

  /** Appends a record to the channel (`from` -> downstream partition `to`) of a repartition topic. */
  private deliver(
    from: Slot,
    topic: string,
    to: number,
    key: string | null,
    value: string,
    timestamp: number,
  ) {
    const partition = channelPartition(to, from.partition, this.partitions);
    const id = inputId(topic, partition);
    const upstream = `${from.group}/${from.partition}`;
    for (const slot of this.slots) {
      if (slot.channels.get(id) !== upstream) continue;
      const offset = slot.nextOffset.get(id) ?? 0;
      slot.nextOffset.set(id, offset + 1);
      slot.task.push([{ topic, partition, offset, key, value, timestamp }]);
    }
  }

  private upstreamsFinished(slot: Slot): boolean {
    return this.upstreamsIn(slot, new Set(this.slots.filter((s) => s.finished)));
  }

  /** True when every upstream task of `slot` is in `done`. */
  private upstreamsIn(slot: Slot, done: ReadonlySet<Slot>): boolean {
    for (const up of slot.channels.values()) {
      const s = this.slots.find((x) => `${x.group}/${x.partition}` === up);
      if (s && !done.has(s)) return false;
    }
    return true;
  }
}

/** The kit never ships changelogs: skip collecting every pending change on each drain. */
function withoutChangeTracking(stores: TaskStateStores): TaskStateStores {
  return {
    open: () => stores.open(),
    store: (name) => stores.store(name),
    pendingChanges: () => [],
    commit: (c) => stores.commit(c),
    rollback: () => stores.rollback(),
    applyRestored: (changes) => stores.applyRestored(changes),
    close: () => stores.close(),
  };
}

// Observe stage: the worker as its operators see it: phase, assignment, each task's state, inputs,
// restore progress and last commit, and the counts it committed. Fed by the worker's observer
// hooks (src/kafka/worker-observer.ts); read by /status, /readyz, the metrics and the dashboard.
import type {
  CommittedBatch,
  ObservedInput,
  TaskProbe,
  TransactionOutcome,
} from "../kafka/worker-observer.ts";
import type { TaskStats } from "../runtime/task-api.ts";

export type WorkerPhase = "starting" | "running" | "rebalancing" | "stopping";

export interface InputState {
  readonly topic: string;
  readonly partition: number;
  committed: number;
}

export interface TaskState {
  readonly id: string;
  state: "restoring" | "running";
  /** Changelog records applied by the task's restore so far. */
  restored: number;
  /** Per changelog: records left to restore (end - position). */
  readonly remaining: Map<string, number>;
  inputs: InputState[];
  probe: TaskProbe | null;
  lastCommitMs: number | null;
  watermark: number;
  /** The counters at the last commit (or rollback): the next commit counts what lies past them. */
  baseline: TaskStats | null;
}

/** Additions a committed batch makes to the worker's totals (what the counters increment by). */
export type CountsDelta = Omit<TaskStats, "pendingTimers">;

function diff(now: Readonly<Record<string, number>>, before: Readonly<Record<string, number>> | undefined) {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(now)) {
    const d = v - (before?.[k] ?? 0);
    if (d > 0) out[k] = d;
  }
  return out;
}

export function statsDelta(now: TaskStats, before: TaskStats | null): CountsDelta {
  return {
    recordsIn: now.recordsIn - (before?.recordsIn ?? 0),
    inputsByRule: diff(now.inputsByRule, before?.inputsByRule),
    outputsByRule: diff(now.outputsByRule, before?.outputsByRule),
    deadLettersByReason: diff(now.deadLettersByReason, before?.deadLettersByReason),
    lateByRule: diff(now.lateByRule, before?.lateByRule),
  };
}

const key = (topic: string, partition: number) => `${topic}/${partition}`;

/** The worker's state; every method is O(tasks) at most and runs on a hook or a read, not per record. */
export class WorkerState {
  group = "";
  phase: WorkerPhase = "starting";
  assigned: readonly number[] = [];
  rebalances = 0;
  readonly tasks = new Map<string, TaskState>();
  /** `topic/partition` -> log end from the last fetch. */
  readonly logEnds = new Map<string, number>();
  lastCommitMs: number | null = null;
  readonly transactions: Record<TransactionOutcome, number> = {
    committed: 0,
    aborted: 0,
    ambiguous: 0,
    fenced: 0,
  };
  readonly startedMs = Date.now();

  /** Assigned, restored and not in a rebalance (and not stopping). */
  ready(): boolean {
    if (this.phase !== "running") return false;
    for (const t of this.tasks.values()) if (t.state === "restoring") return false;
    return true;
  }

  assign(tasks: readonly number[]): void {
    this.assigned = tasks;
    this.rebalances += 1;
    if (this.phase !== "stopping") this.phase = "running";
  }

  rebalancing(): void {
    if (this.phase !== "stopping") this.phase = "rebalancing";
  }

  opening(id: string): void {
    this.tasks.set(id, {
      id,
      state: "restoring",
      restored: 0,
      remaining: new Map(),
      inputs: [],
      probe: null,
      lastCommitMs: null,
      watermark: Number.NEGATIVE_INFINITY,
      baseline: null,
    });
  }

  /** `restored` counts the task's whole restore so far; returns how many records this step added. */
  restoreProgress(id: string, changelog: string, restored: number, position: number, end: number): number {
    const t = this.tasks.get(id);
    if (t === undefined) return 0;
    const added = Math.max(0, restored - t.restored);
    t.restored = Math.max(t.restored, restored);
    t.remaining.set(changelog, Math.max(0, end - position));
    return added;
  }

  /** Records still to restore, over every changelog of the task. */
  remainingOf(t: TaskState): number {
    let n = 0;
    for (const r of t.remaining.values()) n += r;
    return n;
  }

  running(id: string, inputs: readonly ObservedInput[], probe: TaskProbe): void {
    const t = this.tasks.get(id);
    if (t === undefined) return;
    t.state = "running";
    t.probe = probe;
    t.inputs = inputs.map((i) => ({ ...i }));
    t.remaining.clear();
  }

  /** Records the batch and returns what it adds to the totals. */
  committed(id: string, batch: CommittedBatch, nowMs: number): CountsDelta | null {
    const t = this.tasks.get(id);
    if (t === undefined) return null;
    const delta = statsDelta(batch.stats, t.baseline);
    t.baseline = batch.stats;
    t.watermark = batch.watermark;
    t.lastCommitMs = nowMs;
    this.lastCommitMs = nowMs;
    for (const o of batch.offsets) {
      const input = t.inputs.find((i) => i.topic === o.topic && i.partition === o.partition);
      if (input) input.committed = o.offset;
    }
    return delta;
  }

  rolledBack(id: string, stats: TaskStats): void {
    const t = this.tasks.get(id);
    if (t) t.baseline = stats;
  }

  closed(id: string): void {
    this.tasks.delete(id);
  }

  fetched(topic: string, partition: number, highWatermark: number): void {
    if (Number.isFinite(highWatermark)) this.logEnds.set(key(topic, partition), highWatermark);
  }

  /** Per input partition of the running tasks: committed offset, log end (if fetched) and lag. */
  lag(): {
    task: string;
    topic: string;
    partition: number;
    committed: number;
    logEnd: number | null;
    lag: number | null;
  }[] {
    const out = [];
    for (const t of this.tasks.values()) {
      for (const i of t.inputs) {
        const end = this.logEnds.get(key(i.topic, i.partition)) ?? null;
        out.push({
          task: t.id,
          topic: i.topic,
          partition: i.partition,
          committed: i.committed,
          logEnd: end,
          lag: end === null ? null : Math.max(0, end - i.committed),
        });
      }
    }
    return out;
  }
}

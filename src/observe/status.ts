// Observe stage: `/status` as JSON: group, phase, readiness, assignment, per-task state and offsets,
// last commit, and the totals the worker committed. Plain data, built from WorkerState on request.
import type { WorkerMetrics, WorkerTotals } from "./worker-metrics.ts";
import type { WorkerPhase } from "./worker-state.ts";

export interface TaskStatus {
  readonly id: string;
  readonly state: "restoring" | "running";
  readonly restored: number;
  readonly restoreRemaining: number;
  readonly lastCommit: string | null;
  readonly watermark: string | null;
  readonly inputs: readonly {
    readonly topic: string;
    readonly partition: number;
    readonly committed: number;
    readonly logEnd: number | null;
    readonly lag: number | null;
  }[];
}

export interface WorkerStatus {
  readonly group: string;
  readonly phase: WorkerPhase;
  readonly ready: boolean;
  readonly uptimeSeconds: number;
  /** Task partitions the group gave this worker. */
  readonly assigned: readonly number[];
  readonly rebalances: number;
  readonly lastCommit: string | null;
  readonly transactions: Readonly<Record<string, number>>;
  readonly tasks: readonly TaskStatus[];
  readonly totals: WorkerTotals;
}

const iso = (ms: number | null): string | null =>
  ms === null || !Number.isFinite(ms) ? null : new Date(Math.max(0, Math.min(ms, 8.64e15))).toISOString();

export function workerStatus(m: WorkerMetrics, nowMs = Date.now()): WorkerStatus {
  const s = m.state;
  const lag = s.lag();
  const tasks = [...s.tasks.values()]
    .sort((a, b) => a.id.localeCompare(b.id, "en", { numeric: true }))
    .map((t) => ({
      id: t.id,
      state: t.state,
      restored: t.restored,
      restoreRemaining: s.remainingOf(t),
      lastCommit: iso(t.lastCommitMs),
      watermark: iso(t.watermark),
      inputs: lag
        .filter((l) => l.task === t.id)
        .map(({ topic, partition, committed, logEnd, lag: behind }) => ({
          topic,
          partition,
          committed,
          logEnd,
          lag: behind,
        })),
    }));
  return {
    group: s.group,
    phase: s.phase,
    ready: s.ready(),
    uptimeSeconds: Math.round((nowMs - s.startedMs) / 1000),
    assigned: s.assigned,
    rebalances: s.rebalances,
    lastCommit: iso(s.lastCommitMs),
    transactions: { ...s.transactions },
    tasks,
    totals: m.totals,
  };
}

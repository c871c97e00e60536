// Observe stage: the dashboard's data: the topology (the model `vigil explain` renders), the
// worker's status, and a short history of its totals (one sample every few seconds, ten minutes
// kept) from which the page draws rates and alerts per rule over the last minutes.
import type { ProgramPlan } from "../plan/plan.ts";
import { buildTopology } from "../topology/build-topology.ts";
import type { Topology } from "../topology/topology.ts";
import { type WorkerStatus, workerStatus } from "./status.ts";
import type { WorkerMetrics } from "./worker-metrics.ts";

export interface TotalsSample {
  /** Wall clock, ms. */
  readonly t: number;
  readonly recordsIn: number;
  readonly inputsByRule: Readonly<Record<string, number>>;
  readonly outputsByRule: Readonly<Record<string, number>>;
  readonly deadLettersByReason: Readonly<Record<string, number>>;
}

export interface DashboardSnapshot {
  readonly topology: Topology;
  readonly status: WorkerStatus;
  /** Oldest first; the last sample is taken at the request. */
  readonly history: readonly TotalsSample[];
}

export interface DashboardFeed {
  snapshot(): DashboardSnapshot;
  close(): void;
}

export interface FeedOptions {
  readonly sampleMs?: number;
  readonly keepMs?: number;
}

export function createDashboardFeed(
  plan: ProgramPlan,
  group: string,
  metrics: WorkerMetrics,
  options: FeedOptions = {},
): DashboardFeed {
  const topology = buildTopology(plan, group);
  const sampleMs = options.sampleMs ?? 5_000;
  const keep = Math.ceil((options.keepMs ?? 600_000) / sampleMs);
  const history: TotalsSample[] = [];
  const sample = (): TotalsSample => {
    const t = metrics.totals;
    return {
      t: Date.now(),
      recordsIn: t.recordsIn,
      inputsByRule: { ...t.inputsByRule },
      outputsByRule: { ...t.outputsByRule },
      deadLettersByReason: { ...t.deadLettersByReason },
    };
  };
  history.push(sample());
  const timer = setInterval(() => {
    history.push(sample());
    if (history.length > keep) history.shift();
  }, sampleMs);
  timer.unref();
  return {
    snapshot: () => ({ topology, status: workerStatus(metrics), history: [...history, sample()] }),
    close: () => clearInterval(timer),
  };
}

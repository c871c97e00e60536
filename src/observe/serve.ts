// Observe stage: what `vigil run --http host:port` starts beside the worker: the metrics, the
// dashboard feed and the HTTP endpoint, as one handle the command passes to the worker and closes.
import type { WorkerObserver } from "../kafka/worker-observer.ts";
import type { ProgramPlan } from "../plan/plan.ts";
import { createDashboardFeed } from "./dashboard-feed.ts";
import { parseListenAddress, startHttpEndpoint } from "./http-server.ts";
import { WorkerMetrics } from "./worker-metrics.ts";

export interface Observability {
  readonly url: string;
  readonly observer: WorkerObserver;
  readonly metrics: WorkerMetrics;
  /** Readiness goes false now (SIGTERM, before the drain). */
  stopping(): void;
  close(): Promise<void>;
}

export async function startObservability(
  plan: ProgramPlan,
  group: string,
  listen: string,
): Promise<Observability> {
  const metrics = new WorkerMetrics();
  const dashboard = createDashboardFeed(plan, group, metrics);
  const endpoint = await startHttpEndpoint(parseListenAddress(listen), { metrics, dashboard });
  return {
    url: endpoint.url,
    observer: metrics,
    metrics,
    stopping: () => metrics.stopping(),
    async close() {
      dashboard.close();
      await endpoint.close();
    },
  };
}

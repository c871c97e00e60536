// Observe stage: the worker's HTTP endpoint (`vigil run --http host:port`): /metrics (Prometheus
// text), /livez, /readyz, /status (JSON), and the live dashboard (`/`, its assets and its data at
// /api/dashboard). Every asset is a file of this package; nothing is fetched from elsewhere.
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { DashboardFeed } from "./dashboard-feed.ts";
import { workerStatus } from "./status.ts";
import type { WorkerMetrics } from "./worker-metrics.ts";

export interface HttpEndpoint {
  /** `http://host:port` as bound (port 0 picks a free one). */
  readonly url: string;
  close(): Promise<void>;
}

/** `host:port` (IPv6 as `[::1]:9464`); throws a clear error otherwise. */
export function parseListenAddress(text: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(text.trim());
  const port = Number(m?.[3]);
  if (m === null || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`--http '${text}': expected host:port, e.g. 127.0.0.1:9464`);
  }
  return { host: (m[1] ?? m[2])!, port };
}

const ASSETS = ["index.html", "dashboard.js", "dashboard.css"] as const;
const TYPES: Record<string, string> = {
  html: "text/html; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  css: "text/css; charset=utf-8",
};
const contentType = (name: string) => TYPES[name.slice(name.lastIndexOf(".") + 1)] ?? "text/plain";

function loadAssets(): Map<string, Buffer> {
  const dir = new URL("./dashboard/", import.meta.url);
  return new Map(ASSETS.map((name) => [name, readFileSync(new URL(name, dir))]));
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer): void {
  res.writeHead(status, { "content-type": type, "cache-control": "no-store" });
  res.end(body);
}

const json = (res: ServerResponse, status: number, value: unknown) =>
  send(res, status, "application/json; charset=utf-8", `${JSON.stringify(value, null, 2)}\n`);

export interface HttpOptions {
  readonly metrics: WorkerMetrics;
  readonly dashboard: DashboardFeed;
  /** Wall-clock time of the last event-loop tick the liveness check saw. */
  readonly loopLagLimitMs?: number;
}

/** Starts the endpoint; resolves once it listens. */
export async function startHttpEndpoint(
  address: { host: string; port: number },
  opts: HttpOptions,
): Promise<HttpEndpoint> {
  const assets = loadAssets();
  const limit = opts.loopLagLimitMs ?? 10_000;
  let lastTick = Date.now();
  const ticker = setInterval(() => (lastTick = Date.now()), 1000);
  ticker.unref();

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    if (req.method !== "GET" && req.method !== "HEAD") return send(res, 405, "text/plain", "GET only\n");
    switch (path) {
      case "/metrics":
        return send(res, 200, opts.metrics.registry.contentType, await opts.metrics.metrics());
      case "/livez": {
        const lagMs = Date.now() - lastTick;
        return json(res, lagMs < limit ? 200 : 503, { alive: lagMs < limit, loopTickAgeMs: lagMs });
      }
      case "/readyz": {
        const s = opts.metrics.state;
        const restoring = [...s.tasks.values()].filter((t) => t.state === "restoring").map((t) => t.id);
        return json(res, s.ready() ? 200 : 503, { ready: s.ready(), phase: s.phase, restoring });
      }
      case "/status":
        return json(res, 200, workerStatus(opts.metrics));
      case "/api/dashboard":
        return json(res, 200, opts.dashboard.snapshot());
      case "/":
        return send(res, 200, contentType("index.html"), assets.get("index.html")!);
      default: {
        const name = path.slice(1);
        const asset = assets.get(name);
        if (asset) return send(res, 200, contentType(name), asset);
        return send(res, 404, "text/plain", "not found\n");
      }
    }
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) send(res, 500, "text/plain", `${String(err)}\n`);
      else res.end();
    });
  });
  await new Promise<void>((ok, fail) => {
    server.once("error", fail);
    server.listen(address.port, address.host, () => ok());
  });
  const bound = server.address() as AddressInfo;
  const host = bound.family === "IPv6" ? `[${bound.address}]` : bound.address;
  return {
    url: `http://${host}:${bound.port}`,
    close: () =>
      new Promise<void>((ok) => {
        clearInterval(ticker);
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}

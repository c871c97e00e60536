// Crash-test support: `vigil run` as a child process (so SIGKILL is a real crash), and the group's
// committed progress on the input, which decides when a kill lands.
import { spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Admin } from "kafkajs";

const VIGIL = fileURLToPath(new URL("../../../bin/vigil.mjs", import.meta.url));

export interface WorkerRun {
  /** Resolves when the worker logged that it joined the group (its signal handlers are set by then). */
  readonly joined: Promise<void>;
  readonly exited: Promise<{ code: number | null; signal: string | null; stderr: string }>;
  kill(signal: NodeJS.Signals): void;
  /** What the worker logged so far. */
  stderr(): string;
}

export interface WorkerSpec {
  readonly file: string;
  readonly brokers: readonly string[];
  readonly group: string;
  /** The worker's own RocksDB root (one per simulated machine). */
  readonly stateDir: string;
  readonly failpoint?: string | null;
  readonly fetchBytes?: number;
}

export function startWorker(spec: WorkerSpec): WorkerRun {
  const { file, brokers, group, stateDir, failpoint = null } = spec;
  // A state cache of 16 KB per task: state is evicted between batches and prefetched back.
  const env = { ...process.env, VIGIL_FAILPOINT: failpoint ?? "", VIGIL_STATE_CACHE_MB: "0.016" };
  // A restore long enough to be killed in: the folder is gone, so every changelog replays from 0.
  if (failpoint?.startsWith("during-restore"))
    rmSync(join(stateDir, group), { recursive: true, force: true });
  const args = [
    VIGIL,
    "run",
    file,
    "--brokers",
    brokers.join(","),
    "--group",
    group,
    "--session-timeout",
    "1500",
    "--fetch-bytes",
    String(spec.fetchBytes ?? 4096),
    "--state-dir",
    stateDir,
  ];
  const child = spawn(process.execPath, args, { env, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  let joined: () => void = () => undefined;
  child.stderr.on("data", (d: Buffer) => {
    stderr += d.toString();
    if (stderr.includes('"event":"worker.joined"')) joined();
  });
  return {
    joined: new Promise((ok) => (joined = ok)),
    exited: new Promise((ok) => child.on("exit", (code, signal) => ok({ code, signal, stderr }))),
    kill: (signal) => child.kill(signal),
    stderr: () => stderr,
  };
}

/** Waits for the join; fails with the worker's log if it exited first. */
export async function joined(run: WorkerRun): Promise<void> {
  const early = await Promise.race([run.joined.then(() => null), run.exited]);
  if (early !== null) throw new Error(`worker exited before joining: ${early.stderr.slice(-2000)}`);
}

/** Records of `topic` the group has committed, summed over its partitions. */
export async function progress(admin: Admin, group: string, topic: string): Promise<number> {
  const offsets = await admin.fetchOffsets({ groupId: group, topics: [topic] });
  return (offsets[0]?.partitions ?? []).reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
}

export const sleep = (ms: number) => new Promise<void>((ok) => setTimeout(ok, ms));

/**
 * Polls the group's progress until it reaches `target` (or `run` exits, or `limitMs` passes);
 * resolves to the progress seen last.
 */
export async function waitForProgress(
  admin: Admin,
  group: string,
  topic: string,
  target: number,
  run: WorkerRun | null,
  limitMs = 60_000,
): Promise<number> {
  const until = Date.now() + limitMs;
  let exited = false;
  void run?.exited.then(() => (exited = true));
  for (;;) {
    const now = await progress(admin, group, topic);
    if (now >= target || exited || Date.now() > until) return now;
    await sleep(10);
  }
}

/** mulberry32: a small seeded PRNG, so a failing kill schedule can be replayed. */
export { rng as mulberry32 } from "../../runtime/support/plans.ts";

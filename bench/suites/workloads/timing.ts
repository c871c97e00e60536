// Benchmarks, shared: plain timed loops for runs too long for tinybench's many samples. A case runs
// `runs` times in this process; `cold` is the first run, `warm` the median of the later ones. The
// result is checked after each run, outside the timed code, and the heap is collected before each
// run (see fullGc). Time is the process's CPU time (user + system, process.cpuUsage: the main
// thread plus V8's GC and compiler threads), not wall time: on a shared 2-core machine, wall time
// mostly measures the neighbours (runs here saw 3x wall over CPU). Wall times are logged to stderr
// beside them. Rows follow measure.ts's BenchRow: rate = units / median CPU time; ± = half the
// spread (max - min) of the runs, relative to the median, in %; samples = runs summarized.
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import type { BenchRow } from "../measure.ts";

/**
 * A full garbage collection, run before each timed run (outside its time), so that every run starts
 * from the same heap: without it a warm run also paid for collecting the previous run's state (all
 * of it garbage at once), and came out slower than the cold one on the big cases (tumbling over 1M
 * events, no collection in between: 15.2 s CPU cold, 15.8-18.0 s warm; over 300k events with one:
 * 5.1 s cold, 3.5-4.0 s warm). Exposed at run time (`npm run bench` passes no --expose-gc); a no-op
 * where that fails.
 */
const fullGc: () => void = (() => {
  try {
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as unknown;
    return typeof gc === "function" ? (gc as () => void) : () => {};
  } catch {
    return () => {};
  }
})();

/** CPU times of one case's runs, in ms, with the units each run processes. */
export interface Timing {
  readonly name: string;
  readonly units: number;
  readonly ms: readonly number[];
}

/** CPU ms (user + system) and wall ms of each run. */
interface RunTimes {
  readonly cpu: number[];
  readonly wall: number[];
}

/** Runs `fn` `runs` times, checking each result after its run (a failed check throws). */
export async function timeRuns<T>(
  runs: number,
  fn: () => T | Promise<T>,
  check: (result: T, run: number) => void,
): Promise<RunTimes> {
  const cpu: number[] = [];
  const wall: number[] = [];
  for (let i = 0; i < runs; i++) {
    fullGc();
    const w0 = performance.now();
    const c0 = process.cpuUsage();
    const result = await fn();
    const c = process.cpuUsage(c0);
    wall.push(performance.now() - w0);
    cpu.push((c.user + c.system) / 1000);
    check(result, i);
  }
  return { cpu, wall };
}

function logRuns(name: string, t: RunTimes, note = ""): void {
  const runs = t.cpu.map((c, i) => `${c.toFixed(0)} (${(t.wall[i] ?? 0).toFixed(0)})`).join(", ");
  console.error(`  ${name}: CPU (wall) ms ${runs}${note}`);
}

/** Cold (first run) and warm (median of runs 2..n) timings of one case; n >= 3. */
export async function coldWarm<T>(
  name: string,
  units: number,
  runs: number,
  fn: () => T | Promise<T>,
  check: (result: T, run: number) => void,
): Promise<[Timing, Timing]> {
  if (runs < 3) throw new Error(`coldWarm needs at least 3 runs (1 cold + 2 warm), got ${runs}`);
  const t = await timeRuns(runs, fn, check);
  logRuns(name, t);
  const ms = t.cpu;
  return [
    { name: `${name}, cold (run 1)`, units, ms: ms.slice(0, 1) },
    { name: `${name}, warm (median of runs 2-${runs})`, units, ms: ms.slice(1) },
  ];
}

/** A baseline's timing: one untimed warm-up run, then the median of `runs` runs. */
export async function warmOnly<T>(
  name: string,
  units: number,
  runs: number,
  fn: () => T | Promise<T>,
  check: (result: T, run: number) => void,
): Promise<Timing> {
  const t = await timeRuns(runs + 1, fn, check);
  logRuns(name, t, " (the first is a warm-up)");
  const ms = t.cpu;
  return { name: `${name} (median of ${runs} after a warm-up)`, units, ms: ms.slice(1) };
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** Rows for a suite: the baseline first (ratio 1), each case's rate over the baseline's. */
export function timedRows(
  suite: string,
  unit: string,
  baseline: Timing,
  cases: readonly Timing[],
): BenchRow[] {
  const stats = (t: Timing) => {
    const m = median(t.ms);
    const spread = t.ms.length > 1 ? (Math.max(...t.ms) - Math.min(...t.ms)) / 2 : 0;
    return { rate: t.units / (m / 1000), rme: (100 * spread) / m, samples: t.ms.length };
  };
  const base = stats(baseline);
  return [baseline, ...cases].map((t, i) => {
    const s = stats(t);
    return { suite, name: t.name, unit, ...s, ratio: s.rate / base.rate, isBaseline: i === 0 };
  });
}

/** Runs per timed case: `VIGIL_BENCH_RUNS` when set (at least 3: one cold, two warm), else `fallback`. */
export function benchRuns(fallback: number): number {
  const raw = process.env["VIGIL_BENCH_RUNS"];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 3)
    throw new Error(`VIGIL_BENCH_RUNS must be a whole number >= 3, got '${raw}'`);
  return n;
}

/** A short, synchronous case of an interleaved comparison: `fn` processes `units` units per call. */
export interface ShortCase {
  readonly name: string;
  readonly units: number;
  readonly fn: () => unknown;
}

/**
 * Times short cases in turn, round after round, so a change of load on the machine hits every case
 * alike (tinybench times one case to the end before the next). Each case is first called until
 * `warmupMs` of CPU is spent (JIT) and calibrated to about `runMs` of CPU per run (a run = that many
 * calls); then `runs` rounds time one run of each case. The result: each case's median CPU time per
 * call, over the rounds.
 */
export function interleaved(cases: readonly ShortCase[], runs: number, runMs = 40, warmupMs = 150): Timing[] {
  const cpuMs = (): number => {
    const c = process.cpuUsage();
    return (c.user + c.system) / 1000;
  };
  const calls = cases.map((c) => {
    const t0 = cpuMs();
    let n = 0;
    while (cpuMs() - t0 < warmupMs) {
      c.fn();
      n++;
    }
    const perCall = (cpuMs() - t0) / n;
    return Math.max(1, Math.round(runMs / perCall));
  });
  const ms: number[][] = cases.map(() => []);
  for (let r = 0; r < runs; r++) {
    cases.forEach((c, i) => {
      const n = calls[i] as number;
      const t0 = cpuMs();
      for (let k = 0; k < n; k++) c.fn();
      (ms[i] as number[]).push((cpuMs() - t0) / n);
    });
  }
  return cases.map((c, i) => ({
    name: `${c.name} (median of ${runs} interleaved runs)`,
    units: c.units,
    ms: ms[i] as number[],
  }));
}

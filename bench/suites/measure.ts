// Benchmarks: shared shape of a suite's result and a helper that runs one tinybench Bench, so every
// suite reports a task and its baseline, measured in the same run, as units per second.
import { Bench } from "tinybench";

/** One measured case: `unitsPerOp` units (bytes, key ops, events) are processed per call. */
export interface BenchCase {
  readonly name: string;
  readonly unitsPerOp: number;
  readonly fn: () => unknown;
}

/** One row of the report. */
export interface BenchRow {
  readonly suite: string;
  readonly name: string;
  readonly unit: string;
  /** Units per second (the mean call throughput times unitsPerOp). */
  readonly rate: number;
  /** Relative margin of error of the mean, in percent. */
  readonly rme: number;
  readonly samples: number;
  /** rate / baseline rate (1 for the baseline itself). */
  readonly ratio: number;
  readonly isBaseline: boolean;
}

/** Runs the baseline and the cases in one Bench; the first row is the baseline. */
export async function measure(
  suite: string,
  unit: string,
  baseline: BenchCase,
  cases: readonly BenchCase[],
  options: { time: number; iterations: number; warmupIterations?: number },
): Promise<BenchRow[]> {
  const bench = new Bench({
    name: suite,
    time: options.time,
    iterations: options.iterations,
    warmupIterations: options.warmupIterations ?? 2,
    warmupTime: 0,
    throws: true,
  });
  const all = [baseline, ...cases];
  for (const c of all) bench.add(c.name, c.fn);
  await bench.run();
  const rates = all.map((c) => {
    const r = bench.getTask(c.name)?.result;
    if (r === undefined || r.state !== "completed") throw new Error(`${suite}/${c.name}: ${r?.state}`);
    return { rate: r.throughput.mean * c.unitsPerOp, rme: r.throughput.rme, samples: r.latency.samplesCount };
  });
  const base = rates[0]!.rate;
  return all.map((c, i) => ({
    suite,
    name: c.name,
    unit,
    ...rates[i]!,
    ratio: rates[i]!.rate / base,
    isBaseline: i === 0,
  }));
}

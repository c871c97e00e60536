// Benchmarks: Nexmark (bench/nexmark/). Per query, Vigil's runEmbedded over the generated events of
// the streams the query reads, in input events per CPU-second, against the hand-written TS loop for
// the same query as its baseline (workloads/timing.ts: process CPU time; Vigil cold = its first run,
// warm = the median of the others). After every run, outside the timed code, the output is compared
// with the brute-force reference as a multiset of rows: a mismatch (or a dead letter) fails the run.
//   VIGIL_BENCH_NEXMARK_EVENTS   generated events (default 50,000: 50 s of event time)
//   VIGIL_BENCH_RUNS             Vigil runs per query (default 3: 1 cold + 2 warm); the baseline
//                                runs max(that, 5) times after a warm-up
//   VIGIL_BENCH_NEXMARK_QUERIES  comma-separated query names (default: all)

import { compileProgram } from "../../src/plan/compile.ts";
import type { ProgramPlan } from "../../src/plan/plan.ts";
import type { EmbeddedResult } from "../../src/runtime/embedded-result.ts";
import { runEmbedded } from "../../src/runtime/embedded-runner.ts";
import { generateStreams, streamLines } from "../nexmark/generate.ts";
import { diffRows, type NexmarkQuery, QUERIES } from "../nexmark/queries.ts";
import { boundsLoseNothing, type OutRow } from "../nexmark/reference.ts";
import type { BenchRow } from "./measure.ts";
import { benchRuns, coldWarm, timedRows, warmOnly } from "./workloads/timing.ts";

function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw.replaceAll("_", ""));
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer, got '${raw}'`);
  return n;
}

function chosenQueries(): readonly NexmarkQuery[] {
  const raw = process.env["VIGIL_BENCH_NEXMARK_QUERIES"];
  if (raw === undefined || raw.trim() === "") return QUERIES;
  const names = raw.split(",").map((s) => s.trim());
  const unknown = names.filter((n) => !QUERIES.some((q) => q.name === n));
  if (unknown.length > 0)
    throw new Error(
      `unknown Nexmark queries ${unknown.join(", ")}; known: ${QUERIES.map((q) => q.name).join(", ")}`,
    );
  return QUERIES.filter((q) => names.includes(q.name));
}

function compile(q: NexmarkQuery): ProgramPlan {
  const compiled = compileProgram([q.file]);
  if (compiled.plan === null) throw new Error(`${q.file} does not compile: run vigil check on it`);
  return compiled.plan;
}

/** Throws when `rows` (from `who`) differ from the reference rows. */
function verify(q: NexmarkQuery, who: string, expected: readonly OutRow[], rows: readonly OutRow[]): void {
  const diff = diffRows(expected, rows);
  if (diff !== null) throw new Error(`Nexmark ${q.name}: ${who} disagrees with the reference\n  ${diff}`);
}

function verifyVigil(q: NexmarkQuery, expected: readonly OutRow[], result: EmbeddedResult): void {
  if (result.deadLetters.length > 0)
    throw new Error(
      `Nexmark ${q.name}: Vigil dead-lettered ${result.deadLetters.length} records: ` +
        JSON.stringify(result.stats.deadLettersByReason),
    );
  verify(
    q,
    "Vigil",
    expected,
    result.outputs.map((o) => o.value),
  );
}

/** Runs every chosen query: the baseline, then Vigil cold and warm, every run's rows checked. */
export async function nexmark(): Promise<BenchRow[]> {
  const events = envInt("VIGIL_BENCH_NEXMARK_EVENTS", 50_000);
  const runs = benchRuns(3);
  const streams = generateStreams(events);
  const lines = streamLines(streams);
  const bounds = boundsLoseNothing(streams);
  console.error(
    `  data: ${events} events: ${streams.persons.length} persons, ${streams.auctions.length} auctions, ` +
      `${streams.bids.length} bids; q3's 60 s and q4's 5 s join bounds lose nothing: ${bounds.q3}, ${bounds.q4}`,
  );
  const rows: BenchRow[] = [];
  for (const q of chosenQueries()) {
    const plan = compile(q);
    const records = Object.fromEntries(
      q.reads.map((r) => [plan.streams.find((d) => d.name === r)?.topic ?? r, lines[r]]),
    );
    const units = q.reads.reduce((n, r) => n + lines[r].length, 0);
    const expected = q.reference(streams);
    const baseline = await warmOnly(
      `hand-written TS (${q.reads.join(" + ")}: ${units} events)`,
      units,
      Math.max(runs, 5),
      () => q.handwritten(lines),
      (out) => verify(q, "the hand-written baseline", expected, out),
    );
    const vigil = await coldWarm(
      `Vigil runEmbedded, 1 partition (outputs: ${expected.length})`,
      units,
      runs,
      () => runEmbedded({ plan, inputs: { records } }),
      (result) => verifyVigil(q, expected, result),
    );
    console.error(
      `  ${q.name}: ${expected.length} rows; every run of Vigil and of the loop equals the reference`,
    );
    rows.push(
      ...timedRows(
        `Nexmark ${q.name}${q.variant ? " (variant)" : ""}: ${q.title}`,
        "events/s",
        baseline,
        vigil,
      ),
    );
  }
  return rows;
}

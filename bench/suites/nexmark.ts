// Benchmarks: Nexmark (bench/nexmark/). Per query, Vigil's runEmbedded over the generated events of
// the streams the query reads, in input events/s, against the hand-written TS loop for the same
// query as its baseline. Before anything is timed, both outputs are compared with the brute-force
// reference as multisets of rows: a mismatch (or a dead letter) fails the run.
//   VIGIL_BENCH_NEXMARK_EVENTS   generated events (default 50,000: 50 s of event time)
//   VIGIL_BENCH_NEXMARK_SAMPLES  timed runs of Vigil per query, after one warm-up run (default 3;
//                                the baseline runs for at least 1 s)
//   VIGIL_BENCH_NEXMARK_QUERIES  comma-separated query names (default: all)

import { compileProgram } from "../../src/plan/compile.ts";
import type { ProgramPlan } from "../../src/plan/plan.ts";
import type { EmbeddedResult } from "../../src/runtime/embedded-result.ts";
import { runEmbedded } from "../../src/runtime/embedded-runner.ts";
import { generateStreams, streamLines } from "../nexmark/generate.ts";
import { diffRows, type NexmarkQuery, QUERIES } from "../nexmark/queries.ts";
import { boundsLoseNothing, type OutRow } from "../nexmark/reference.ts";
import { type BenchRow, measure } from "./measure.ts";

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

/** Runs every chosen query: checks outputs on the first (warm-up) call of each case, then times them. */
export async function nexmark(): Promise<BenchRow[]> {
  const events = envInt("VIGIL_BENCH_NEXMARK_EVENTS", 50_000);
  const samples = envInt("VIGIL_BENCH_NEXMARK_SAMPLES", 3);
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
    const inputEvents = q.reads.reduce((n, r) => n + lines[r].length, 0);
    const expected = q.reference(streams);
    let handChecked = false;
    let vigilChecked = false;
    const measured = await measure(
      `Nexmark ${q.name}${q.variant ? " (variant)" : ""}: ${q.title}`,
      "events/s",
      {
        name: `hand-written TS (${q.reads.join(" + ")}: ${inputEvents} events)`,
        unitsPerOp: inputEvents,
        fn: () => {
          const out = q.handwritten(lines);
          if (!handChecked) verify(q, "the hand-written baseline", expected, out);
          handChecked = true;
        },
      },
      [
        {
          name: `Vigil runEmbedded, 1 partition (outputs: ${expected.length})`,
          unitsPerOp: inputEvents,
          fn: async () => {
            const result = await runEmbedded({ plan, inputs: { records } });
            if (!vigilChecked) verifyVigil(q, expected, result);
            vigilChecked = true;
          },
        },
      ],
      // time: the fast baseline gets samples for about 1 s; Vigil's runs are longer, so it gets `samples`
      { time: 1000, iterations: samples, warmupIterations: 1 },
    );
    console.error(
      `  ${q.name}: ${expected.length} rows, Vigil and the hand-written loop both equal the reference`,
    );
    rows.push(...measured);
  }
  return rows;
}

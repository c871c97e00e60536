// Testing kit, property tests: running generated events through rules, and the usual properties as
// ready checks: "no alert when ...", "an alert for every ...", and "the same alerts whatever the
// partitioning and the arrival order within the lateness". Each throws (via fast-check) with the
// shrunk counterexample, so it works in any test runner.

import { isDeepStrictEqual } from "node:util";
import fc from "fast-check";
import type { DeadLetter, OutputRecord } from "../../core/record.ts";
import type { Row, Value } from "../../core/value.ts";
import type { ProgramPlan } from "../../plan/plan.ts";
import { compiledOf, type RulesSource } from "../compile-rules.ts";
import { createTestDriver } from "../driver.ts";
import { type TimedEvent, withinLateness } from "./events.ts";

export interface RunOptions {
  readonly params?: Readonly<Record<string, Value>>;
  readonly partitions?: number;
}

/** What a run of events produced. */
export interface RunResult {
  readonly outputs: readonly OutputRecord[];
  readonly deadLetters: readonly DeadLetter[];
}

/** Pipes `events` in the given order through `plan` (fresh state), ends the input, returns what came out. */
export async function runEvents(
  plan: ProgramPlan,
  events: readonly TimedEvent[],
  opts: RunOptions = {},
): Promise<RunResult> {
  const driver = await createTestDriver({ rules: plan, ...opts });
  for (const e of events) driver.pipe(e.source, e.row, { at: e.at });
  driver.endOfInput();
  return { outputs: driver.outputs(), deadLetters: driver.deadLetters() };
}

export interface PropertyOptions extends RunOptions {
  /** Rule text, files, or a compiled plan. */
  readonly rules: RulesSource | string | ProgramPlan;
  /** Generated inputs (see timeline, interleave). */
  readonly events: fc.Arbitrary<readonly TimedEvent[]>;
  /** The output topic the property is about. */
  readonly topic: string;
  /** fast-check parameters (numRuns, seed, ...). */
  readonly check?: fc.Parameters<[readonly TimedEvent[]]>;
}

/** "No alert when ...": for every generated input, `topic` gets nothing (nor any dead letter). */
export async function checkNoAlert(opts: PropertyOptions): Promise<void> {
  const plan = compiledOf(opts.rules).plan;
  await fc.assert(
    fc.asyncProperty(opts.events, async (events) => {
      const r = await runEvents(plan, events, opts);
      const alerts = r.outputs.filter((o) => o.topic === opts.topic).map((o) => o.value);
      if (alerts.length > 0) throw new Error(`expected no output on ${opts.topic}, got ${show(alerts)}`);
      noDeadLetters(r);
    }),
    opts.check,
  );
}

/**
 * "An alert for every ...": `expected(events)` lists, for the generated input, the outputs that
 * must appear on `topic` (each given by some of its fields). With `exactly`, any other output fails too.
 */
export async function checkAlertForEvery(
  opts: PropertyOptions & {
    readonly expected: (events: readonly TimedEvent[]) => readonly Row[];
    readonly exactly?: boolean;
  },
): Promise<void> {
  const plan = compiledOf(opts.rules).plan;
  await fc.assert(
    fc.asyncProperty(opts.events, async (events) => {
      const r = await runEvents(plan, events, opts);
      const alerts = r.outputs.filter((o) => o.topic === opts.topic).map((o) => o.value);
      const unmatched = new Set(alerts);
      for (const want of opts.expected(events)) {
        const pool = opts.exactly ? [...unmatched] : alerts;
        const hit = pool.find((a) => includes(a, want));
        if (!hit)
          throw new Error(`expected an output on ${opts.topic} with ${show(want)}; got ${show(alerts)}`);
        unmatched.delete(hit);
      }
      if (opts.exactly && unmatched.size > 0)
        throw new Error(`unexpected outputs on ${opts.topic}: ${show([...unmatched])}`);
      noDeadLetters(r);
    }),
    opts.check,
  );
}

/**
 * "The same alerts whatever the partitioning and the arrival order within the lateness": the
 * outputs (topic, key, value, time; as a multiset) of the events in time order over one partition
 * equal those of the same events reordered within each stream's lateness, over `partitions` partitions.
 */
export async function checkSameAlertsWhateverArrival(
  opts: Omit<PropertyOptions, "topic" | "partitions"> & {
    /** Partition counts to pick from. Default 1 to 4. */
    readonly partitions?: readonly number[];
    /** How far (ms) arrival may run ahead of event time. Default: the least declared lateness. */
    readonly reorderWithin?: number;
  },
): Promise<void> {
  const plan = compiledOf(opts.rules).plan;
  const lateness = opts.reorderWithin ?? Math.min(...plan.streams.map((s) => s.latenessMs));
  const counts = opts.partitions ?? [1, 2, 3, 4];
  const variant = opts.events.chain((events) =>
    fc.tuple(fc.constant(events), withinLateness(events, lateness), fc.constantFrom(...counts)),
  );
  await fc.assert(
    fc.asyncProperty(variant, async ([events, arrival, partitions]) => {
      const inOrder = await runEvents(
        plan,
        [...events].sort((a, b) => a.at - b.at),
        { ...opts, partitions: 1 },
      );
      const shuffled = await runEvents(plan, arrival, { ...opts, partitions });
      const a = canonical(inOrder.outputs);
      const b = canonical(shuffled.outputs);
      if (!isDeepStrictEqual(a, b))
        throw new Error(
          `outputs differ with ${partitions} partitions and arrival reordered:\n  in order: ${show(a)}\n  reordered: ${show(b)}`,
        );
    }),
    opts.check as fc.Parameters<[[readonly TimedEvent[], TimedEvent[], number]]> | undefined,
  );
}

/**
 * Outputs as comparable text, sorted (evidence and emission order left out: offsets depend on
 * partitioning). Fractional numbers are compared to 12 significant digits: a sum taken in another
 * arrival order may differ in its last bits (floating-point addition is not associative).
 */
export function canonical(outputs: readonly OutputRecord[]): string[] {
  return outputs
    .map((o) => JSON.stringify([o.topic, o.key, o.timestamp, o.rule, roundFloats(o.value)]))
    .sort();
}

function roundFloats(v: Value): Value {
  if (typeof v === "number") return Number.isInteger(v) ? v : Number(v.toPrecision(12));
  if (Array.isArray(v)) return v.map(roundFloats);
  if (typeof v === "object" && v !== null)
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, roundFloats(x)]));
  return v;
}

function includes(row: Row, fields: Row): boolean {
  return Object.entries(fields).every(([k, v]) => isDeepStrictEqual(row[k], v));
}

function noDeadLetters(r: RunResult): void {
  if (r.deadLetters.length > 0)
    throw new Error(
      `unexpected dead letters: ${show(r.deadLetters.map((d) => `${d.reason}: ${d.message}`))}`,
    );
}

function show(v: unknown): string {
  return JSON.stringify(v);
}

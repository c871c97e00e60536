// Runtime stage: chained rules in the embedded runner. When a rule emits to a topic that a declared
// stream reads, and no input was given for that stream, its records are the rule's outputs, as on
// Kafka. The run goes in stages (ruleStages, src/plan/worker-lanes.ts): stage 0 runs the rules fed
// by the given inputs only; stage d runs the rules reading what stages < d emitted, fed with those
// outputs in canonical order (event time first, so a replay is the same whatever the partitioning
// of the earlier stage), each keeping its output timestamp as log time (as a Kafka sink record
// does), so a fed stream without an event-time field is timed as on Kafka. Each stage is an
// ordinary embedded run, so each is deterministic, and a plan without chained rules is one stage:
// exactly the run it was before.
import { join } from "node:path";
import type { OutputRecord } from "../core/record.ts";
import type { Row } from "../core/value.ts";
import type { ProgramPlan } from "../plan/plan.ts";
import { ruleStages } from "../plan/worker-lanes.ts";
import { appendLine, type EmbeddedInputs, hasInput, linesOf, loadInputs } from "./embedded-inputs.ts";
import { combineStages, type EmbeddedResult } from "./embedded-result.ts";

/** The rule stages of a run over `inputs`; one stage when no rule feeds another (or the log is given). */
export function chainStages(plan: ProgramPlan, inputs: EmbeddedInputs): string[][] {
  if ("log" in inputs) return [plan.rules.map((r) => r.name)];
  const given = new Set<string>();
  for (const d of [...plan.streams, ...plan.tables])
    if (hasInput(inputs, d.name, d.topic)) given.add(d.topic);
  return ruleStages(plan, given);
}

/** The given inputs as records by declaration name (files read), for a stage to add fed topics to. */
function givenRecords(plan: ProgramPlan, inputs: EmbeddedInputs): Record<string, (string | Row)[]> {
  const out: Record<string, (string | Row)[]> = {};
  for (const d of [...plan.streams, ...plan.tables]) {
    const lines = linesOf(inputs, d.name, d.topic);
    if (lines.length > 0) out[d.name] = [...lines];
  }
  return out;
}

/**
 * Runs the stages one after the other: `run` is the embedded runner for one stage (its options
 * given the stage's plan, inputs and state folder). Stops after a stage that stopped early.
 */
export async function runStages<O extends { plan: ProgramPlan; inputs: EmbeddedInputs; stateDir?: string }>(
  opts: O,
  stages: readonly (readonly string[])[],
  partitions: number,
  run: (opts: O) => Promise<EmbeddedResult>,
): Promise<EmbeddedResult> {
  const records = givenRecords(opts.plan, opts.inputs);
  const emitted: OutputRecord[] = [];
  const results: EmbeddedResult[] = [];
  for (const [d, names] of stages.entries()) {
    const plan = { ...opts.plan, rules: opts.plan.rules.filter((r) => names.includes(r.name)) };
    const log = loadInputs(plan, { records }, partitions);
    for (const decl of [...opts.plan.streams, ...opts.plan.tables]) {
      if (decl.name in records) continue;
      for (const o of emitted) if (o.topic === decl.topic) appendLine(log, decl, o.value, o.timestamp);
    }
    const stateDir = opts.stateDir === undefined ? {} : { stateDir: join(opts.stateDir, `stage-${d}`) };
    const result = await run({ ...opts, plan, inputs: { log }, ...stateDir });
    results.push(result);
    if (result.stopped) break;
    emitted.push(...result.canonical);
  }
  return combineStages(results, partitions);
}

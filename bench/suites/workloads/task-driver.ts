// Benchmarks, shared: the least-overhead embedded way to run a plan that is still the real path
// (decode -> merge -> operators -> sink): one task (src/runtime/task.ts, createTask) over memory
// stores, fed from InputRecords built before the timed code, exactly as the embedded runner feeds
// each of its tasks (tops each input up to `batch` buffered records, drains after every push, commits
// every `commitEvery` records, ends each input when it is exhausted, then ends the input). What it
// leaves out of runEmbedded: loading JSONL into a log (a JSON.parse per line to find the key), the
// journal, and the result's canonical sort (a JSON.stringify per output). Plans whose rules re-key
// (more than one task group) need runEmbedded: see fraud-rules.ts.
import type { DeadLetter, OutputRecord } from "../../../src/core/record.ts";
import { compileProgram } from "../../../src/plan/compile.ts";
import type { ProgramPlan } from "../../../src/plan/plan.ts";
import { taskGroups } from "../../../src/plan/task-groups.ts";
import { inputId } from "../../../src/runtime/input-merger.ts";
import { keyString } from "../../../src/runtime/segment-chain.ts";
import { createTask } from "../../../src/runtime/task.ts";
import type { InputRecord } from "../../../src/runtime/task-api.ts";
import { createMemoryTaskStores } from "../../../src/state/memory-stores.ts";

/** What one run produced. */
export interface TaskRun {
  readonly outputs: OutputRecord[];
  readonly deadLetters: DeadLetter[];
}

/** Compiles rule files (paths) or throws with the diagnostics. */
export function compileOrThrow(paths: readonly string[]): ProgramPlan {
  const compiled = compileProgram(paths);
  if (compiled.plan === null)
    throw new Error(
      `${paths.join(", ")} does not compile:\n${compiled.diagnostics.map((d) => JSON.stringify(d)).join("\n")}`,
    );
  return compiled.plan;
}

/**
 * One partition of a topic as a consumer would hand it over: key = the key field's value (as the
 * embedded loader and Kafka producers key it), value = the JSON line, timestamp = its event time.
 */
export function inputRecords(
  topic: string,
  lines: readonly string[],
  keys: readonly (string | number | null)[],
  timestamps: readonly number[],
): InputRecord[] {
  return lines.map((value, offset) => {
    const k = keys[offset];
    return {
      topic,
      partition: 0,
      offset,
      key: k === null || k === undefined ? null : keyString([k]),
      value,
      timestamp: timestamps[offset] ?? 0,
    };
  });
}

/** Runs `plan` as one task over partition 0 of each input topic (every topic the plan reads must be given). */
export async function runTask(
  plan: ProgramPlan,
  inputs: ReadonlyMap<string, readonly InputRecord[]>,
  opts: { readonly batch?: number; readonly commitEvery?: number } = {},
): Promise<TaskRun> {
  const groups = taskGroups(plan);
  const group = groups[0];
  if (groups.length !== 1 || group === undefined)
    throw new Error(
      `runTask: the plan has ${groups.length} task groups; use runEmbedded for re-keying rules`,
    );
  const batch = opts.batch ?? 500;
  const commitEvery = opts.commitEvery ?? 10_000;
  const feeds = group.topics.map((topic) => {
    const records = inputs.get(topic);
    if (records === undefined) throw new Error(`runTask: no input records for topic ${topic}`);
    return { topic, id: inputId(topic, 0), records, next: 0, ended: false };
  });
  const task = await createTask({
    id: "0_0",
    plan,
    stores: createMemoryTaskStores(),
    partitions: feeds.map((f) => ({ topic: f.topic, partition: 0 })),
    segments: group.segments,
  });
  const outputs: OutputRecord[] = [];
  const deadLetters: DeadLetter[] = [];
  const collect = (): void => {
    const out = task.drain({ changes: false });
    for (const o of out.outputs) outputs.push(o);
    for (const d of out.deadLetters) deadLetters.push(d);
  };
  let sinceCommit = 0;
  for (;;) {
    let progressed = false;
    const positions = task.positions();
    for (const f of feeds) {
      const buffered = f.next - (positions[f.id] ?? 0);
      if (buffered >= batch) continue;
      if (f.next < f.records.length) {
        const slice = f.records.slice(f.next, f.next + batch - buffered);
        f.next += slice.length;
        task.push(slice);
        sinceCommit += slice.length;
        progressed = true;
        collect();
      } else if (!f.ended) {
        f.ended = true;
        task.endOfPartition(f.topic, 0);
        progressed = true;
        collect();
      }
    }
    if (sinceCommit >= commitEvery) {
      await task.commit();
      sinceCommit = 0;
    }
    if (!progressed) break;
  }
  task.endOfInput();
  collect();
  await task.commit();
  await task.close();
  return { outputs, deadLetters };
}

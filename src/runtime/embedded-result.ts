// Runtime stage: what an embedded run returns, built from its committed journal: outputs per task,
// per output partition and in a canonical global order, dead letters, and counts.
import type { DeadLetter, OutputRecord } from "../core/record.ts";
import type { JournalEntry } from "./embedded-journal.ts";
import { partitionForKey } from "./partitioner.ts";
import type { TaskStats } from "./task-api.ts";

export interface EmbeddedStats {
  /** Input records released by the tasks of this run (a resumed run counts only its own). */
  readonly recordsIn: number;
  /** Records that entered each rule, this run. */
  readonly inputsByRule: Readonly<Record<string, number>>;
  readonly outputsByRule: Readonly<Record<string, number>>;
  readonly deadLettersByReason: Readonly<Record<string, number>>;
  readonly lateByRule: Readonly<Record<string, number>>;
  readonly tasks: readonly { readonly id: string; readonly stats: TaskStats }[];
}

export interface EmbeddedResult {
  /** Every committed output, task by task (task order), each task's in emission order. Deterministic for a partition count. */
  readonly outputs: readonly OutputRecord[];
  readonly byTask: Readonly<Record<string, readonly OutputRecord[]>>;
  /** Per output topic, per output partition (key hash; unkeyed: 0): task order, then emission order. */
  readonly byPartition: Readonly<Record<string, readonly (readonly OutputRecord[])[]>>;
  /** Every output sorted by (timestamp, topic, key, rule, value): comparable across partition counts. */
  readonly canonical: readonly OutputRecord[];
  readonly deadLetters: readonly DeadLetter[];
  readonly stats: EmbeddedStats;
  /** True when the run stopped early (stopAfter): rerun with the same stateDir to resume. */
  readonly stopped: boolean;
}

export function summarize(
  journal: readonly JournalEntry[],
  tasks: readonly { readonly id: string; readonly stats: TaskStats }[],
  partitions: number,
  stopped: boolean,
): EmbeddedResult {
  const byTask: Record<string, OutputRecord[]> = Object.fromEntries(tasks.map((t) => [t.id, []]));
  const deadByTask: Record<string, DeadLetter[]> = Object.fromEntries(tasks.map((t) => [t.id, []]));
  for (const e of journal) {
    if (e.kind === "out") (byTask[e.task] ??= []).push(e.record);
    else if (e.kind === "dead") (deadByTask[e.task] ??= []).push(e.letter);
  }
  const outputs = Object.values(byTask).flat();
  const deadLetters = Object.values(deadByTask).flat();
  // The per-partition and canonical views cost a hash or a JSON text per output: built when first read.
  let byPartition: Record<string, OutputRecord[][]> | undefined;
  let canonical: OutputRecord[] | undefined;
  return {
    outputs,
    byTask,
    get byPartition() {
      byPartition ??= partitionOutputs(outputs, partitions);
      return byPartition;
    },
    get canonical() {
      canonical ??= canonicalOrder(outputs);
      return canonical;
    },
    deadLetters,
    stats: {
      recordsIn: tasks.reduce((n, t) => n + t.stats.recordsIn, 0),
      inputsByRule: sumBy(tasks.map((t) => t.stats.inputsByRule)),
      outputsByRule: countBy(outputs, (o) => o.rule),
      deadLettersByReason: countBy(deadLetters, (d) => d.reason),
      lateByRule: countBy(
        deadLetters.filter((d) => d.reason === "late-record"),
        (d) => d.rule ?? "",
      ),
      tasks,
    },
    stopped,
  };
}

/**
 * One result for a chained run's stages (embedded-chain.ts): outputs and dead letters stage by
 * stage, task ids of stage d > 0 prefixed `stage<d>/` (every stage has its own tasks).
 */
export function combineStages(results: readonly EmbeddedResult[], partitions: number): EmbeddedResult {
  if (results.length === 1) return results[0]!;
  const prefix = (d: number, id: string) => (d === 0 ? id : `stage${d}/${id}`);
  const byTask: Record<string, readonly OutputRecord[]> = {};
  results.forEach((r, d) => {
    for (const [id, outs] of Object.entries(r.byTask)) byTask[prefix(d, id)] = outs;
  });
  const outputs = results.flatMap((r) => r.outputs);
  const deadLetters = results.flatMap((r) => r.deadLetters);
  let byPartition: Record<string, OutputRecord[][]> | undefined;
  let canonical: OutputRecord[] | undefined;
  const stats = results.map((r) => r.stats);
  return {
    outputs,
    byTask,
    get byPartition() {
      byPartition ??= partitionOutputs(outputs, partitions);
      return byPartition;
    },
    get canonical() {
      canonical ??= canonicalOrder(outputs);
      return canonical;
    },
    deadLetters,
    stats: {
      recordsIn: stats.reduce((n, s) => n + s.recordsIn, 0),
      inputsByRule: sumBy(stats.map((s) => s.inputsByRule)),
      outputsByRule: sumBy(stats.map((s) => s.outputsByRule)),
      deadLettersByReason: sumBy(stats.map((s) => s.deadLettersByReason)),
      lateByRule: sumBy(stats.map((s) => s.lateByRule)),
      tasks: stats.flatMap((s, d) => s.tasks.map((t) => ({ ...t, id: prefix(d, t.id) }))),
    },
    stopped: results.some((r) => r.stopped),
  };
}

function partitionOutputs(
  outputs: readonly OutputRecord[],
  partitions: number,
): Record<string, OutputRecord[][]> {
  const byPartition: Record<string, OutputRecord[][]> = {};
  for (const o of outputs) {
    const parts = (byPartition[o.topic] ??= Array.from({ length: partitions }, () => []));
    parts[o.key === null ? 0 : partitionForKey(o.key, partitions)]!.push(o);
  }
  return byPartition;
}

/** Sorts outputs by (timestamp, topic, key, rule, value as JSON): the same set gives the same list. */
export function canonicalOrder(outputs: readonly OutputRecord[]): OutputRecord[] {
  const keyed = outputs.map((o) => ({ o, sortKey: JSON.stringify([o.topic, o.key ?? "", o.rule, o.value]) }));
  keyed.sort((a, b) =>
    a.o.timestamp !== b.o.timestamp
      ? a.o.timestamp - b.o.timestamp
      : a.sortKey < b.sortKey
        ? -1
        : a.sortKey > b.sortKey
          ? 1
          : 0,
  );
  return keyed.map((k) => k.o);
}

function sumBy(maps: readonly Readonly<Record<string, number>>[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of maps) for (const [k, v] of Object.entries(m)) out[k] = (out[k] ?? 0) + v;
  return out;
}

function countBy<T>(items: readonly T[], key: (t: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const i of items) out[key(i)] = (out[key(i)] ?? 0) + 1;
  return out;
}

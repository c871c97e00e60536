// Runtime stage: the embedded runner. Runs a ProgramPlan over a partitioned log (built from JSONL
// files or records), one task per (sub-topology, partition), feeding each task as its merge needs,
// committing every N records, and resuming from the stores' checkpoints. Deterministic (docs/runtime.md).
import { join } from "node:path";
import type { Value } from "../core/value.ts";
import type { ProgramPlan } from "../plan/plan.ts";
import { channelPartition, taskGroups } from "../plan/task-groups.ts";
import { createCachedRocksDbStores } from "../state/cached-rocksdb-stores.ts";
import { createMemoryTaskStores } from "../state/memory-stores.ts";
import { createRocksDbTaskStores } from "../state/rocksdb-stores.ts";
import type { TaskStateStores } from "../state/store.ts";
import { chainStages, runStages } from "./embedded-chain.ts";
import { type EmbeddedInputs, loadInputs } from "./embedded-inputs.ts";
import { type EmbeddedJournal, type JournalEntry, openJournal } from "./embedded-journal.ts";
import { type EmbeddedResult, summarize } from "./embedded-result.ts";
import { inputId } from "./input-merger.ts";
import { layeredLog } from "./layered-log.ts";
import type { PartitionedLog } from "./partitioned-log.ts";
import { partitionForKey } from "./partitioner.ts";
import { serializeRepartition, serializeWatermark } from "./repartition-serde.ts";
import type { OperatorFactory } from "./segment-chain.ts";
import { createTask, type LocalTaskRuntime, PINNED_STORES } from "./task.ts";

export interface EmbeddedOptions {
  readonly plan: ProgramPlan;
  readonly inputs: EmbeddedInputs;
  /** Partitions of every input topic (ignored for a ready log, which brings its own). Default 1. */
  readonly partitions?: number;
  /** Records pushed to a task input at a time (its buffer is topped up below this). Default 500. */
  readonly batchSize?: number;
  /** Commit every task after this many records were pushed since the last commit. Default 10,000. */
  readonly commitEvery?: number;
  /** RocksDB stores under `<stateDir>/tasks/<task>` and a journal; absent: memory stores, no resume. */
  readonly stateDir?: string;
  /**
   * With stateDir: keep each task's state in RocksDB with a clean cache of at most this many bytes
   * (prefetched before each batch), instead of all of it in memory.
   */
  readonly stateCacheBytes?: number;
  /** Stops like a crash (no commit) after this many records were pushed; rerun with the same stateDir to resume. */
  readonly stopAfter?: number;
  readonly params?: Readonly<Record<string, Value>>;
  /** Stream-time idle timeout of the tasks (ms). */
  readonly idleTimeout?: number;
  readonly operatorFactory?: OperatorFactory;
  /** Called after each commit with the input records pushed so far (at most the input's size), and more. */
  readonly onProgress?: (inputsPushed: number, progress: EmbeddedProgress) => void;
}

interface Slot {
  readonly task: LocalTaskRuntime;
  readonly group: number;
  readonly partition: number;
  readonly inputs: SlotInput[];
  finished: boolean;
  pending: JournalEntry[];
}

interface SlotInput {
  readonly topic: string;
  readonly partition: number;
  readonly id: string;
  /** The upstream task of a repartition channel (group, partition); null for external topics. */
  readonly from: { readonly group: number; readonly partition: number } | null;
  /** Resolved once every task exists. */
  upstream: Slot | null;
  nextPush: number;
  ended: boolean;
}

/** How far a run got, for progress displays. */
export interface EmbeddedProgress {
  /** Records pushed into tasks so far (inputs and repartition records). */
  readonly pushed: number;
  /** Input-topic records pushed so far (each once, even if several tasks read it). */
  readonly inputsPushed: number;
  /** Records in the input topics. */
  readonly inputRecords: number;
  /** Output records committed so far (this run). */
  readonly outputs: number;
}

/**
 * Runs `plan` embedded. Example: `await runEmbedded({ plan, inputs: { files: { payments: "p.jsonl" } }, partitions: 4 })`
 * returns the outputs (per task, per output partition, and in a canonical order), dead letters and stats.
 */
export async function runEmbedded(opts: EmbeddedOptions): Promise<EmbeddedResult> {
  // Rules fed by other rules' outputs run in stages (embedded-chain.ts); most plans are one stage.
  const stages = chainStages(opts.plan, opts.inputs);
  if (stages.length > 1) return runStages(opts, stages, opts.partitions ?? 1, runStage);
  return runStage(opts);
}

/** One stage: every rule of `opts.plan` over the given inputs. */
async function runStage(opts: EmbeddedOptions): Promise<EmbeddedResult> {
  // A given log is only read: the run's repartition channels go to a layer of its own.
  const log =
    "log" in opts.inputs
      ? layeredLog(opts.inputs.log)
      : loadInputs(opts.plan, opts.inputs, opts.partitions ?? 1);
  const n = partitionCount(opts, log);
  const journal = openJournal(opts.stateDir);
  for (const e of journal.load()) {
    if (e.kind === "rep")
      ensureTopic(log, e.topic, n * n).append(e.topic, e.key, e.value, e.timestamp, e.partition);
  }
  const slots = await createSlots(opts, log, n);
  const run = new EmbeddedRun(opts, log, n, slots, journal);
  const stopped = await run.drive();
  for (const s of slots) await s.task.close();
  const stats = slots.map((s) => ({ id: s.task.id, stats: s.task.stats() }));
  return summarize(journal.load(), stats, n, stopped);
}

/** One run's loop: rounds of feeding every task, commits every N records, an optional early stop. */
class EmbeddedRun {
  private pushed = 0;
  private sinceCommit = 0;
  private committedOutputs = 0;
  private readonly batch: number;
  private readonly commitEvery: number;
  private readonly inputRecords: number;
  private readonly opts: EmbeddedOptions;
  private readonly log: PartitionedLog;
  private readonly n: number;
  private readonly slots: readonly Slot[];
  private readonly journal: EmbeddedJournal;

  constructor(
    opts: EmbeddedOptions,
    log: PartitionedLog,
    n: number,
    slots: readonly Slot[],
    journal: EmbeddedJournal,
  ) {
    this.opts = opts;
    this.log = log;
    this.n = n;
    this.slots = slots;
    this.journal = journal;
    this.batch = Math.max(1, opts.batchSize ?? 500);
    this.commitEvery = Math.max(1, opts.commitEvery ?? 10_000);
    this.inputRecords = countInputRecords(opts.plan, log);
  }

  /** Runs to the end (true: stopped early by stopAfter, without committing). */
  async drive(): Promise<boolean> {
    for (;;) {
      const { progressed, stopped } = await this.round();
      if (stopped) return true;
      if (this.sinceCommit >= this.commitEvery) await this.commitAll();
      if (!progressed) break;
    }
    await this.commitAll();
    return false;
  }

  private async round(): Promise<{ progressed: boolean; stopped: boolean }> {
    let progressed = false;
    for (const slot of this.slots) {
      const fed = await feed(slot, this.log, this.batch);
      const finished = await finishIfDone(slot);
      progressed ||= fed.pushed > 0 || fed.ended || finished;
      this.pushed += fed.pushed;
      this.sinceCommit += fed.pushed;
      collect(slot, this.log, this.n);
      if (this.opts.stopAfter !== undefined && this.pushed >= this.opts.stopAfter)
        return { progressed, stopped: true };
    }
    return { progressed, stopped: false };
  }

  private async commitAll(): Promise<void> {
    const entries = this.slots.flatMap((s) => s.pending);
    this.journal.append(entries);
    this.committedOutputs += entries.filter((e) => e.kind === "out").length;
    for (const s of this.slots) {
      s.pending = [];
      await s.task.commit();
    }
    this.sinceCommit = 0;
    const inputsPushed = countInputsPushed(this.slots);
    const progress = {
      pushed: this.pushed,
      inputsPushed,
      inputRecords: this.inputRecords,
      outputs: this.committedOutputs,
    };
    this.opts.onProgress?.(inputsPushed, progress);
  }
}

// An input topic partition read by several task groups counts once (the furthest reader).
function countInputsPushed(slots: readonly Slot[]): number {
  const furthest = new Map<string, number>();
  for (const s of slots) {
    for (const i of s.inputs)
      if (i.from === null) furthest.set(i.id, Math.max(furthest.get(i.id) ?? 0, i.nextPush));
  }
  let total = 0;
  for (const v of furthest.values()) total += v;
  return total;
}

function countInputRecords(plan: ProgramPlan, log: PartitionedLog): number {
  const topics = new Set(
    [...plan.streams, ...plan.tables].map((d) => d.topic).filter((t) => log.hasTopic(t)),
  );
  let total = 0;
  for (const t of topics) for (let p = 0; p < log.partitions(t); p++) total += log.endOffset(t, p);
  return total;
}

/** Tops up each input of a task below `batch` buffered records, and ends the inputs that are done. */
async function feed(
  slot: Slot,
  log: PartitionedLog,
  batch: number,
): Promise<{ pushed: number; ended: boolean }> {
  if (slot.finished) return { pushed: 0, ended: false };
  const positions = slot.task.positions();
  let moved = 0;
  let ended = false;
  for (const input of slot.inputs) {
    const buffered = input.nextPush - (positions[input.id] ?? 0);
    if (buffered >= batch) continue;
    const records = log.read(input.topic, input.partition, input.nextPush, batch - buffered);
    if (records.length > 0) {
      input.nextPush += records.length;
      await slot.task.process(records);
      moved += records.length;
    } else if (!input.ended && (input.from === null || input.upstream?.finished === true)) {
      input.ended = true;
      await slot.task.endPartition(input.topic, input.partition);
      ended = true;
    }
  }
  return { pushed: moved, ended };
}

/** Ends a task whose inputs all ended (fires every timer); true when that happened now. */
async function finishIfDone(slot: Slot): Promise<boolean> {
  if (slot.finished || !slot.inputs.every((i) => i.ended)) return false;
  await slot.task.finish();
  slot.finished = true;
  return true;
}

/** Drains a task: outputs and dead letters wait for the commit; repartition records go to their channel now. */
function collect(slot: Slot, log: PartitionedLog, n: number): void {
  const out = slot.task.drain({ changes: false }); // the journal, not a changelog, makes runs resumable
  const task = slot.task.id;
  for (const record of out.outputs) slot.pending.push({ kind: "out", task, record });
  for (const letter of out.deadLetters) slot.pending.push({ kind: "dead", task, letter });
  for (const r of out.repartitions) {
    const partition = channelPartition(partitionForKey(r.key ?? "", n), slot.partition, n);
    const value = serializeRepartition(r);
    ensureTopic(log, r.topic, n * n).append(r.topic, r.key, value, r.timestamp, partition);
    slot.pending.push({ kind: "rep", topic: r.topic, partition, key: r.key, value, timestamp: r.timestamp });
  }
  // A watermark-only record goes to every channel this task feeds in its topic.
  for (const w of out.watermarks) {
    const value = serializeWatermark(w.watermark);
    for (let to = 0; to < n; to++) {
      const partition = channelPartition(to, slot.partition, n);
      ensureTopic(log, w.topic, n * n).append(w.topic, null, value, w.watermark, partition);
      slot.pending.push({ kind: "rep", topic: w.topic, partition, key: null, value, timestamp: w.watermark });
    }
  }
}

async function createSlots(opts: EmbeddedOptions, log: PartitionedLog, n: number): Promise<Slot[]> {
  const slots: Slot[] = [];
  for (const group of taskGroups(opts.plan)) {
    for (const topic of group.repartitionTopics) ensureTopic(log, topic, n * n);
    for (let p = 0; p < n; p++) {
      const id = `${group.index}_${p}`;
      const inputs: SlotInput[] = group.topics.flatMap((topic) => {
        const from = group.upstream.get(topic);
        if (from === undefined) return [input(topic, p, null)];
        return Array.from({ length: n }, (_, up) =>
          input(topic, channelPartition(p, up, n), { group: from, partition: up }),
        );
      });
      const task = await createTask({
        id,
        plan: opts.plan,
        stores: storesFor(opts, id),
        partitions: inputs.map((i) => ({ topic: i.topic, partition: i.partition })),
        segments: group.segments,
        ...(opts.params ? { params: opts.params } : {}),
        ...(opts.idleTimeout !== undefined ? { idleTimeout: opts.idleTimeout } : {}),
        ...(opts.operatorFactory ? { operatorFactory: opts.operatorFactory } : {}),
      });
      const positions = task.positions();
      for (const i of inputs) i.nextPush = positions[i.id] ?? 0;
      slots.push({ task, group: group.index, partition: p, inputs, finished: false, pending: [] });
    }
  }
  for (const slot of slots) {
    for (const i of slot.inputs) {
      if (i.from)
        i.upstream =
          slots.find((s) => s.group === i.from!.group && s.partition === i.from!.partition) ?? null;
    }
  }
  return slots;
}

function input(topic: string, partition: number, from: SlotInput["from"]): SlotInput {
  return { topic, partition, id: inputId(topic, partition), from, upstream: null, nextPush: 0, ended: false };
}

function storesFor(opts: EmbeddedOptions, id: string): TaskStateStores {
  if (opts.stateDir === undefined) return createMemoryTaskStores();
  const dir = join(opts.stateDir, "tasks", id);
  if (opts.stateCacheBytes === undefined) return createRocksDbTaskStores(dir);
  return createCachedRocksDbStores(dir, { cacheBytes: opts.stateCacheBytes, pinned: PINNED_STORES });
}

function ensureTopic(log: PartitionedLog, topic: string, partitions: number): PartitionedLog {
  if (!log.hasTopic(topic)) log.createTopic(topic, partitions);
  return log;
}

function partitionCount(opts: EmbeddedOptions, log: PartitionedLog): number {
  if (!("log" in opts.inputs)) return opts.partitions ?? 1;
  const counts = new Set(
    opts.plan.streams
      .map((s) => s.topic)
      .filter((t) => log.hasTopic(t))
      .map((t) => log.partitions(t)),
  );
  if (counts.size > 1)
    throw new Error(`input topics are not co-partitioned: partition counts ${[...counts].join(", ")}`);
  return [...counts][0] ?? opts.partitions ?? 1;
}

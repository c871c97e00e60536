// Observe stage: the worker's Prometheus metrics (prom-client). Counters move on the observer hooks
// (once per committed batch, from the task's own counters); gauges are read when scraped. Labels are
// bounded: task, rule, store, reason, outcome, and the topic and partition of an input; never a key.
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { WorkerObserver } from "../kafka/worker-observer.ts";
import { type CountsDelta, WorkerState } from "./worker-state.ts";

/** Totals since the worker started (the dashboard's and the replay summary's figures). */
export interface WorkerTotals {
  recordsIn: number;
  readonly inputsByRule: Record<string, number>;
  readonly outputsByRule: Record<string, number>;
  readonly deadLettersByReason: Record<string, number>;
  readonly lateByRule: Record<string, number>;
}

export function emptyTotals(): WorkerTotals {
  return { recordsIn: 0, inputsByRule: {}, outputsByRule: {}, deadLettersByReason: {}, lateByRule: {} };
}

function addInto(into: Record<string, number>, from: Readonly<Record<string, number>>): void {
  for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
}

async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    const s = await stat(join(dir, name)).catch(() => null);
    if (s?.isFile()) total += s.size;
  }
  return total;
}

/** The metrics of one worker, in their own registry (no global state: tests run several workers). */
export class WorkerMetrics implements WorkerObserver {
  readonly registry = new Registry();
  readonly state = new WorkerState();
  readonly totals = emptyTotals();
  private readonly now: () => number;

  private readonly recordsIn: Counter<"task">;
  private readonly ruleIn: Counter<"rule">;
  private readonly ruleOut: Counter<"rule">;
  private readonly deadLetters: Counter<"reason">;
  private readonly late: Counter<"rule">;
  private readonly transactions: Counter<"outcome">;
  private readonly commitSeconds: Histogram;
  private readonly restored: Counter<"task">;
  private readonly rebalances: Counter;
  private readonly written: Counter;

  constructor(options: { readonly defaultMetrics?: boolean; readonly now?: () => number } = {}) {
    this.now = options.now ?? Date.now;
    const registers = [this.registry];
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry });
    this.recordsIn = new Counter({
      name: "vigil_records_in_total",
      help: "Input records a task processed and committed (stream, table and repartition records).",
      labelNames: ["task"],
      registers,
    });
    this.ruleIn = new Counter({
      name: "vigil_rule_records_in_total",
      help: "Records that entered a rule (its first operator), decoded, committed.",
      labelNames: ["rule"],
      registers,
    });
    this.ruleOut = new Counter({
      name: "vigil_rule_records_out_total",
      help: "Records a rule emitted to its sink topic (alerts), committed.",
      labelNames: ["rule"],
      registers,
    });
    this.deadLetters = new Counter({
      name: "vigil_dead_letters_total",
      help: "Records sent to the dead-letter topic, by reason.",
      labelNames: ["reason"],
      registers,
    });
    this.late = new Counter({
      name: "vigil_late_records_total",
      help: "Records behind the watermark by more than the grace period, by rule (also dead letters).",
      labelNames: ["rule"],
      registers,
    });
    this.transactions = new Counter({
      name: "vigil_transactions_total",
      help: "Task transactions by outcome: committed, aborted, ambiguous (commit threw), fenced.",
      labelNames: ["outcome"],
      registers,
    });
    this.commitSeconds = new Histogram({
      name: "vigil_commit_duration_seconds",
      help: "Time of one task transaction: sends, sendOffsets and commit.",
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.written = new Counter({
      name: "vigil_records_written_total",
      help: "Records written by committed transactions (outputs, repartition, dead letters, changelog).",
      registers,
    });
    this.restored = new Counter({
      name: "vigil_restore_records_total",
      help: "Changelog records applied while restoring task state.",
      labelNames: ["task"],
      registers,
    });
    this.rebalances = new Counter({
      name: "vigil_rebalances_total",
      help: "Group joins of this worker (the first join and every rebalance after it).",
      registers,
    });
    this.gauges(registers);
  }

  /** Gauges computed at scrape time from the worker state and the tasks' probes. */
  private gauges(registers: Registry[]): void {
    const state = this.state;
    const now = this.now;
    new Gauge({
      name: "vigil_consumer_lag",
      help: "Records behind per input partition: log end (last fetch) minus the committed offset.",
      labelNames: ["topic", "partition"],
      registers,
      collect() {
        this.reset();
        for (const l of state.lag())
          if (l.lag !== null) this.set({ topic: l.topic, partition: l.partition }, l.lag);
      },
    });
    new Gauge({
      name: "vigil_consumer_committed_offset",
      help: "The group's committed offset (next to read) per input partition of this worker's tasks.",
      labelNames: ["topic", "partition"],
      registers,
      collect() {
        this.reset();
        for (const l of state.lag()) this.set({ topic: l.topic, partition: l.partition }, l.committed);
      },
    });
    new Gauge({
      name: "vigil_restore_remaining_records",
      help: "Changelog records a restoring task still has to read (0 once running).",
      labelNames: ["task"],
      registers,
      collect() {
        this.reset();
        for (const t of state.tasks.values()) this.set({ task: t.id }, state.remainingOf(t));
      },
    });
    new Gauge({
      name: "vigil_tasks",
      help: "Tasks of this worker by state (restoring, running).",
      labelNames: ["state"],
      registers,
      collect() {
        this.reset();
        this.set({ state: "restoring" }, 0);
        this.set({ state: "running" }, 0);
        for (const t of state.tasks.values()) this.inc({ state: t.state });
      },
    });
    new Gauge({
      name: "vigil_ready",
      help: "1 when /readyz answers ready: assigned, restored, not in a rebalance, not stopping.",
      registers,
      collect() {
        this.set(state.ready() ? 1 : 0);
      },
    });
    new Gauge({
      name: "vigil_state_store_entries",
      help: "Live entries per state store of each task.",
      labelNames: ["task", "store"],
      registers,
      collect() {
        this.reset();
        for (const t of state.tasks.values()) {
          for (const [store, n] of Object.entries(t.probe?.storeEntries() ?? {}))
            this.set({ task: t.id, store }, n);
        }
      },
    });
    new Gauge({
      name: "vigil_state_disk_bytes",
      help: "Bytes of a task's RocksDB folder (with --state-dir).",
      labelNames: ["task"],
      registers,
      async collect() {
        this.reset();
        for (const t of state.tasks.values()) {
          if (t.probe?.stateDir) this.set({ task: t.id }, await folderBytes(t.probe.stateDir));
        }
      },
    });
    new Gauge({
      name: "vigil_pattern_partial_matches",
      help: "Live partial matches per pattern rule (a walk of the pattern stores at scrape time).",
      labelNames: ["rule"],
      registers,
      collect() {
        this.reset();
        const sums: Record<string, number> = {};
        for (const t of state.tasks.values()) addInto(sums, t.probe?.partialMatches() ?? {});
        for (const [rule, n] of Object.entries(sums)) this.set({ rule }, n);
      },
    });
    new Gauge({
      name: "vigil_watermark_delay_seconds",
      help: "Wall clock minus the task's event-time watermark at its last commit.",
      labelNames: ["task"],
      registers,
      collect() {
        this.reset();
        for (const t of state.tasks.values()) {
          if (Number.isFinite(t.watermark)) this.set({ task: t.id }, (now() - t.watermark) / 1000);
        }
      },
    });
    new Gauge({
      name: "vigil_last_commit_age_seconds",
      help: "Seconds since this worker's last committed transaction (absent before the first).",
      registers,
      collect() {
        this.reset();
        if (state.lastCommitMs !== null) this.set((now() - state.lastCommitMs) / 1000);
      },
    });
  }

  private count(task: string, d: CountsDelta): void {
    if (d.recordsIn > 0) this.recordsIn.inc({ task }, d.recordsIn);
    for (const [rule, n] of Object.entries(d.inputsByRule)) this.ruleIn.inc({ rule }, n);
    for (const [rule, n] of Object.entries(d.outputsByRule)) this.ruleOut.inc({ rule }, n);
    for (const [reason, n] of Object.entries(d.deadLettersByReason)) this.deadLetters.inc({ reason }, n);
    for (const [rule, n] of Object.entries(d.lateByRule)) this.late.inc({ rule }, n);
    this.totals.recordsIn += d.recordsIn;
    addInto(this.totals.inputsByRule, d.inputsByRule);
    addInto(this.totals.outputsByRule, d.outputsByRule);
    addInto(this.totals.deadLettersByReason, d.deadLettersByReason);
    addInto(this.totals.lateByRule, d.lateByRule);
  }

  // WorkerObserver: each hook is O(1) or O(rules), called per batch at most.
  starting: WorkerObserver["starting"] = (group) => {
    this.state.group = group;
  };
  assigned: WorkerObserver["assigned"] = (tasks) => {
    this.state.assign(tasks);
    this.rebalances.inc();
  };
  rebalancing: WorkerObserver["rebalancing"] = () => this.state.rebalancing();
  fetched: WorkerObserver["fetched"] = (topic, partition, hw) => this.state.fetched(topic, partition, hw);
  taskOpening: WorkerObserver["taskOpening"] = (task) => this.state.opening(task);
  restoreProgress: WorkerObserver["restoreProgress"] = (task, changelog, restored, position, end) => {
    const added = this.state.restoreProgress(task, changelog, restored, position, end);
    if (added > 0) this.restored.inc({ task }, added);
  };
  taskRunning: WorkerObserver["taskRunning"] = (task, inputs, probe) =>
    this.state.running(task, inputs, probe);
  transaction: WorkerObserver["transaction"] = (_task, outcome, seconds) => {
    this.transactions.inc({ outcome });
    this.state.transactions[outcome] += 1;
    this.commitSeconds.observe(seconds);
  };
  committed: WorkerObserver["committed"] = (task, batch) => {
    const d = this.state.committed(task, batch, this.now());
    if (d !== null) this.count(task, d);
    this.written.inc(batch.written);
  };
  rolledBack: WorkerObserver["rolledBack"] = (task, stats) => this.state.rolledBack(task, stats);
  taskClosed: WorkerObserver["taskClosed"] = (task) => this.state.closed(task);
  stopping: WorkerObserver["stopping"] = () => {
    this.state.phase = "stopping";
  };

  /** The Prometheus text exposition. */
  metrics(): Promise<string> {
    return this.registry.metrics();
  }
}

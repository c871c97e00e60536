// Testing kit, the driver: compiles rules, pipes records into named streams and tables with explicit
// timestamps (and optionally a partition), ends the input, and reads outputs per topic and dead
// letters. Only creation is async; every other call runs to completion before it returns.
import type { DeadLetter, Origin, OutputRecord } from "../core/record.ts";
import type { Row, Value } from "../core/value.ts";
import type { ProgramPlan, StreamDecl, TableDecl } from "../plan/plan.ts";
import { partitionForKey } from "../runtime/partitioner.ts";
import { keyString } from "../runtime/segment-chain.ts";
import { DEFAULT_IDLE_AFTER_MS } from "../time/idle-inputs.ts";
import { type CompiledRules, compiledOf, type RulesSource } from "./compile-rules.ts";
import { TaskNetwork } from "./task-network.ts";

export interface TestDriverOptions {
  /** Rule text, `{ files }`, or an already compiled plan. */
  readonly rules: RulesSource | string | ProgramPlan;
  /** Parameter overrides by name. */
  readonly params?: Readonly<Record<string, Value>>;
  /** Partitions of every input topic (records are placed by key, as Kafka's partitioner does). Default 1. */
  readonly partitions?: number;
  /**
   * How piped records reach the rules. `"merged"` (default): as in production, a task releases a
   * record only once each of its inputs has data or has ended, so the order within a task is
   * event-time order whatever the piping order; most outputs appear at `endOfInput()`.
   * `"as-piped"`: each record is processed when piped, and the watermark follows the largest event
   * time piped so far minus the stream's lateness (unless `idleTimeout` is given).
   */
  readonly arrival?: "merged" | "as-piped";
  /** Stream-time idle timeout of the tasks (ms); see docs/runtime.md. */
  readonly idleTimeout?: number;
}

export interface PipeOptions {
  /** Event time (epoch ms or ISO text): written to the stream's time field and used as the log timestamp. */
  readonly at?: number | string;
  /** Explicit input partition; default: by the key field's value (unkeyed: partition 0). */
  readonly partition?: number;
}

/** A record as piped, with where it went: outputs' origins and evidence point back to it. */
export interface PipedRecord {
  readonly source: string;
  readonly origin: Origin;
  readonly row: Row | string;
  readonly timestamp: number;
}

type Decl =
  | { readonly kind: "stream"; readonly decl: StreamDecl }
  | { readonly kind: "table"; readonly decl: TableDecl };

/** Creates a driver. Example: `const d = await createTestDriver({ rules: text }); d.pipe("payments", row, { at: 1000 }); d.endOfInput(); d.values("alerts")`. */
export async function createTestDriver(opts: TestDriverOptions): Promise<TestDriver> {
  const compiled = compiledOf(opts.rules);
  const partitions = opts.partitions ?? 1;
  if (!Number.isInteger(partitions) || partitions < 1) throw new Error(`bad partition count ${partitions}`);
  const network = await TaskNetwork.create({
    plan: compiled.plan,
    partitions,
    asPiped: opts.arrival === "as-piped",
    ...(opts.params ? { params: opts.params } : {}),
    ...(opts.idleTimeout !== undefined
      ? { idleTimeout: opts.idleTimeout }
      : opts.arrival === "as-piped"
        ? { idleTimeout: 0 }
        : {}),
  });
  return new TestDriver(compiled, network, partitions);
}

export class TestDriver {
  readonly plan: ProgramPlan;
  /** Text of every rule file compiled, by name (empty for a plan given ready-made). */
  readonly sources: ReadonlyMap<string, string>;
  private readonly network: TaskNetwork;
  private readonly partitions: number;
  private readonly piped: PipedRecord[] = [];
  private readonly offsets = new Map<string, number>();
  private ended = false;

  constructor(compiled: CompiledRules, network: TaskNetwork, partitions: number) {
    this.plan = compiled.plan;
    this.sources = compiled.sources;
    this.network = network;
    this.partitions = partitions;
  }

  /** Pipes one record (a row, or raw text to test decode errors) into a stream or table, by name or topic. */
  pipe(source: string, row: Row | string, opts: PipeOptions = {}): PipedRecord {
    const d = this.declOf(source);
    if (this.ended) throw new Error("the driver's input has ended: create a new driver");
    const timeField = d.decl.timeField;
    const at = opts.at === undefined ? undefined : toMillis(opts.at);
    let value: Row | string = row;
    if (typeof row !== "string" && at !== undefined && timeField !== null)
      value = { ...row, [timeField]: at };
    const timestamp = at ?? (typeof value !== "string" && timeField ? toMillisOr0(value[timeField]) : 0);
    const keyValue = typeof value === "string" || d.decl.keyField === null ? null : value[d.decl.keyField];
    const key = keyValue === undefined || keyValue === null ? null : keyString([keyValue]);
    const partition = opts.partition ?? (key === null ? 0 : partitionForKey(key, this.partitions));
    if (!Number.isInteger(partition) || partition < 0 || partition >= this.partitions)
      throw new Error(`partition ${partition} out of range: the driver has ${this.partitions}`);
    const topic = d.decl.topic;
    const id = `${topic}/${partition}`;
    const offset = this.offsets.get(id) ?? 0;
    this.offsets.set(id, offset + 1);
    const text = typeof value === "string" ? value : JSON.stringify(value);
    this.network.push({ topic, partition, offset, key, value: text, timestamp });
    const record: PipedRecord = {
      source: d.decl.name,
      origin: { topic, partition, offset },
      row: value,
      timestamp,
    };
    this.piped.push(record);
    return record;
  }

  /** Pipes several rows into one stream or table, in order. */
  pipeAll(source: string, rows: readonly Row[], opts: PipeOptions = {}): PipedRecord[] {
    return rows.map((r) => this.pipe(source, r, opts));
  }

  /** The stream or table will get no more records (in every partition): its tasks stop waiting for it. */
  endOf(source: string): void {
    const topic = this.declOf(source).decl.topic;
    for (let p = 0; p < this.partitions; p++) this.network.endPartition(topic, p);
  }

  /**
   * Moves event time to `time` (epoch ms or ISO text, as `pipe`'s `at`) without piping a record:
   * every task's watermark rises to at least `time` (never falls), and the windows and timers due by
   * then fire. Records piped later with an earlier time are late. In `"merged"` arrival a record still
   * waiting in its task for another input is not released by this (see docs/testing.md).
   */
  advanceTo(time: number | string): void {
    if (this.ended) throw new Error("the driver's input has ended: create a new driver");
    this.network.advanceTo(toMillis(time));
  }

  /**
   * States that `stream` brought no record for `forMs` of wall-clock time after the last record
   * piped (its log timestamp stands for its arrival). When that is at least the stream's
   * `idle after` (default 60 s), every partition of it is declared idle as a Kafka worker would:
   * its watermark advances to that time less the lateness and what is due fires. True when it did.
   */
  idle(stream: string, forMs: number): boolean {
    if (this.ended) throw new Error("the driver's input has ended: create a new driver");
    const d = this.declOf(stream);
    if (d.kind !== "stream") throw new Error(`${stream} is a table: only a stream goes idle`);
    if (forMs < (d.decl.idleAfterMs ?? DEFAULT_IDLE_AFTER_MS)) return false;
    const last = Math.max(0, ...this.piped.map((p) => p.timestamp));
    return this.network.declareIdle(d.decl.topic, last + forMs);
  }

  /** Ends the input: every window closes and every pending timer fires (watermark to +infinity). */
  endOfInput(): void {
    if (this.ended) return;
    this.ended = true;
    this.network.endOfInput();
  }

  /** Every output so far, in emission order; of one topic when given. */
  outputs(topic?: string): OutputRecord[] {
    return this.network.outputs.filter((o) => topic === undefined || o.topic === topic);
  }

  /** The values of the outputs so far (of one topic when given). */
  values(topic?: string): Row[] {
    return this.outputs(topic).map((o) => o.value);
  }

  deadLetters(): DeadLetter[] {
    return [...this.network.deadLetters];
  }

  /** The least task watermark (-Infinity before any release, +Infinity after endOfInput). */
  watermark(): number {
    return this.network.watermark();
  }

  /** Every record piped so far, in piping order. */
  pipedRecords(): readonly PipedRecord[] {
    return this.piped;
  }

  /** The piped records an output was built from (its evidence; a window range gives its first and last). */
  evidenceOf(output: OutputRecord): PipedRecord[] {
    const e = output.evidence;
    const origins = e === undefined ? [] : e.kind === "events" ? e.events : [e.first, e.last];
    return origins.flatMap((o) => this.piped.filter((p) => sameOrigin(p.origin, o)));
  }

  private declOf(source: string): Decl {
    const stream = this.plan.streams.find((s) => s.name === source || s.topic === source);
    if (stream) return { kind: "stream", decl: stream };
    const table = this.plan.tables.find((t) => t.name === source || t.topic === source);
    if (table) return { kind: "table", decl: table };
    const names = [...this.plan.streams, ...this.plan.tables].map((d) => d.name).join(", ");
    throw new Error(`no stream or table named ${source} (declared: ${names})`);
  }
}

function sameOrigin(a: Origin, b: Origin): boolean {
  return a.topic === b.topic && a.partition === b.partition && a.offset === b.offset;
}

/** Epoch ms from a number or an ISO text (no zone: UTC). */
export function toMillis(t: number | string): number {
  if (typeof t === "number") return t;
  const zoned = /^\d{4}-\d{2}-\d{2}$/.test(t) || /[zZ]|[+-]\d\d:?\d\d$/.test(t);
  const ms = Date.parse(zoned ? t : `${t}Z`);
  if (Number.isNaN(ms)) throw new Error(`not a time: ${t}`);
  return ms;
}

function toMillisOr0(v: Value | undefined): number {
  if (typeof v === "number") return v;
  if (typeof v === "string") {
    try {
      return toMillis(v);
    } catch {
      return 0;
    }
  }
  return 0;
}

// Runtime stage: the deterministic merge of a task's input partitions. A record is released only when
// every input has buffered data or has ended; the least (event time, topic order, partition, offset) goes.
import type { InputRecord } from "./task-api.ts";

/** A buffered input record with the event time the merge orders it by and its decoded payload. */
export interface PendingRecord<P> {
  readonly input: InputRecord;
  readonly eventTime: number;
  readonly payload: P;
  /** A repartition channel's watermark-only record (its upstream had nothing else to say). */
  readonly watermarkOnly?: boolean;
}

/** An input partition of the merge. */
export interface MergeInput {
  readonly topic: string;
  readonly partition: number;
  /** Tie-breaker between topics at equal event times (see segments.ts topicOrder). */
  readonly order: number;
}

interface Queue<P> {
  readonly id: string;
  readonly spec: MergeInput;
  items: PendingRecord<P>[];
  head: number;
  ended: boolean;
  /** Next offset to release (the position). */
  position: number;
  /** Next offset expected from push (skips duplicates on re-delivery). */
  pushed: number;
  /** Wall-clock time the queue was last seen non-empty (only with a wall-clock idle policy). */
  lastData: number;
  /** The last record pushed was watermark-only: the upstream is quiet, not merely slow. */
  upstreamQuiet: boolean;
  /** The last record released was watermark-only. */
  releasedQuiet: boolean;
}

/** Wall-clock idleness (Kafka worker only: not deterministic, see docs/runtime.md). */
export interface WallClockIdle {
  readonly now: () => number;
  readonly idleMs: number;
  /**
   * Offsets some partitions are known to hold records up to (their end when the task opened): such
   * a partition is never idle before its records up to there were pushed, for at most
   * `backlogWaitMs` after the merger was made (a bound, for a log that ends in transaction markers).
   * Kafka Streams does the same with the lag it knows (KIP-695): a table read from the start is read
   * before the stream records it must join, not skipped after idleMs because it was fetched later.
   */
  readonly backlog?: ReadonlyMap<string, number>;
  readonly backlogWaitMs?: number;
  /**
   * Inputs that are idle only once their upstream said so: repartition channels, which carry their
   * upstream task's watermark. Until the last record pushed is a watermark-only one, the merge
   * waits for them (its order stays a function of the channels' contents); after one, an empty
   * channel may be skipped after idleMs like any input, so the last records of quiet upstreams
   * are not held back for ever.
   */
  readonly neverIdle?: ReadonlySet<string>;
}

export interface InputMerger<P> {
  push(record: PendingRecord<P>): void;
  /** The partition will get no more records (bounded input). */
  end(id: string): void;
  /** Releases the next record in merge order, or undefined when the merge must wait. */
  next(): PendingRecord<P> | undefined;
  /** Inputs that ended and have nothing buffered, each reported once (until a reset). */
  drainedEnded(): readonly string[];
  positions(): Record<string, number>;
  /** Drops buffered records and sets positions (after a rollback or restore). */
  reset(positions: Readonly<Record<string, number>>, quiet?: readonly string[]): void;
  /**
   * Inputs whose last released record was watermark-only (their upstream is quiet): the task keeps
   * them with its watermarks, so after a restart the merge still knows which channels may be skipped.
   */
  quietInputs(): string[];
  buffered(): number;
  /** The buffered records, in no particular order (a state cache prefetches for them). */
  held(): Iterable<PendingRecord<P>>;
  /** Whether input `id` has records buffered (pushed, not released yet). */
  holds(id: string): boolean;
}

export function inputId(topic: string, partition: number): string {
  // Memoized: called per record (merge, watermarks), and one string per input partition means its
  // hash is computed once, not per record on a fresh concatenation.
  let ids = INPUT_IDS.get(topic);
  if (ids === undefined) INPUT_IDS.set(topic, (ids = []));
  return (ids[partition] ??= `${topic}/${partition}`);
}

const INPUT_IDS = new Map<string, string[]>();

/** drainedEnded's answer on almost every call (it is asked once per released record). */
const NONE_ENDED: readonly string[] = Object.freeze([]);

/** Creates the merge over `inputs`, starting at `positions` (missing: offset 0). */
export function createInputMerger<P>(
  inputs: readonly MergeInput[],
  wallClock?: WallClockIdle,
): InputMerger<P> {
  const queues: Queue<P>[] = inputs.map((spec) => ({
    id: inputId(spec.topic, spec.partition),
    spec,
    items: [],
    head: 0,
    ended: false,
    position: 0,
    pushed: 0,
    lastData: wallClock ? wallClock.now() : 0,
    upstreamQuiet: false,
    releasedQuiet: false,
  }));
  const byId = new Map(queues.map((q) => [q.id, q]));
  // Ended inputs whose buffer has not been drained (and reported) yet.
  const endedOpen = new Set<Queue<P>>();

  const startedAt = wallClock ? wallClock.now() : 0;
  const isBlocking = (q: Queue<P>): boolean => {
    if (q.head < q.items.length || q.ended) return false;
    if (!wallClock || (wallClock.neverIdle?.has(q.id) && !q.upstreamQuiet)) return true;
    const now = wallClock.now();
    const known = wallClock.backlog?.get(q.id);
    if (known !== undefined && q.pushed < known && now - startedAt <= (wallClock.backlogWaitMs ?? 0))
      return true;
    return now - q.lastData <= wallClock.idleMs;
  };

  return {
    push(record) {
      const q = byId.get(inputId(record.input.topic, record.input.partition));
      if (!q) throw new Error(`task does not read ${record.input.topic}/${record.input.partition}`);
      if (record.input.offset < q.pushed) return;
      q.items.push(record);
      q.pushed = record.input.offset + 1;
      q.upstreamQuiet = record.watermarkOnly === true;
      if (wallClock) q.lastData = wallClock.now();
    },
    end(id) {
      const q = byId.get(id);
      if (q && !q.ended) {
        q.ended = true;
        endedOpen.add(q);
      }
    },
    next() {
      let best: Queue<P> | undefined;
      for (let i = 0; i < queues.length; i++) {
        const q = queues[i] as Queue<P>;
        if (isBlocking(q)) return undefined;
        if (q.head >= q.items.length) continue;
        if (!best || before(q, best)) best = q;
      }
      if (!best) return undefined;
      const rec = best.items[best.head]!;
      best.items[best.head++] = undefined as unknown as PendingRecord<P>;
      if (best.head > 1024 && best.head * 2 > best.items.length) {
        best.items = best.items.slice(best.head);
        best.head = 0;
      }
      best.releasedQuiet = rec.watermarkOnly === true;
      best.position = rec.input.offset + 1;
      if (wallClock) best.lastData = wallClock.now();
      return rec;
    },
    drainedEnded() {
      if (endedOpen.size === 0) return NONE_ENDED;
      const out: string[] = [];
      for (const q of endedOpen) {
        if (q.head < q.items.length) continue;
        out.push(q.id);
        endedOpen.delete(q);
      }
      return out;
    },
    positions() {
      const out: Record<string, number> = {};
      for (const q of queues) out[q.id] = q.position;
      return out;
    },
    reset(positions, quiet = []) {
      endedOpen.clear();
      const quietIds = new Set(quiet);
      for (const q of queues) {
        q.upstreamQuiet = quietIds.has(q.id);
        q.releasedQuiet = q.upstreamQuiet;
        q.items = [];
        q.head = 0;
        q.ended = false;
        q.position = positions[q.id] ?? 0;
        q.pushed = q.position;
      }
    },
    quietInputs: () => queues.filter((q) => q.releasedQuiet).map((q) => q.id),
    buffered: () => queues.reduce((n, q) => n + q.items.length - q.head, 0),
    holds(id) {
      const q = byId.get(id);
      return q !== undefined && q.head < q.items.length;
    },
    *held() {
      for (const q of queues) for (let i = q.head; i < q.items.length; i++) yield q.items[i]!;
    },
  };
}

function before<P>(a: Queue<P>, b: Queue<P>): boolean {
  const x = a.items[a.head]!;
  const y = b.items[b.head]!;
  if (x.eventTime !== y.eventTime) return x.eventTime < y.eventTime;
  if (a.spec.order !== b.spec.order) return a.spec.order < b.spec.order;
  if (a.spec.partition !== b.spec.partition) return a.spec.partition < b.spec.partition;
  return x.input.offset < y.input.offset;
}

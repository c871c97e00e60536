// Event-time stage: per-partition watermarks and the task watermark. Deterministic: the watermark is
// a function of the records released so far (never of wall clock or of what is merely buffered).
import type { Value } from "../core/value.ts";

/** One input partition the tracker follows. */
export interface TrackedPartition {
  /** `topic/partition` (or any stable id). */
  readonly id: string;
  /**
   * Declared out-of-orderness: the partition's watermark is max event time seen - lateness. A
   * repartition channel's watermark is the one its records carry (observeWatermark); the lateness
   * is then only the fallback for records that carry none (written by an older version).
   */
  readonly latenessMs: number;
  /** False for table topics: they never hold the watermark back. */
  readonly holdsWatermark: boolean;
}

interface PartitionState {
  maxEventTime: number;
  ended: boolean;
}

/** The task watermark: least over its partitions, idle partitions excluded (see docs/runtime.md). */
export interface WatermarkTracker {
  /** Records that a record with this event time was released from `id`. */
  observe(id: string, eventTime: number): void;
  /**
   * Raises partition `id`'s watermark to at least `wm`: a watermark carried by a repartition record,
   * or an idle decision. `eventTime` (a carried data record's time) also moves stream time.
   */
  observeWatermark(id: string, wm: number, eventTime?: number): void;
  /** The partition's own watermark (max event time - lateness, or the carried one). */
  partitionWatermark(id: string): number;
  /** The partition has ended and everything it held was released: it stops holding the watermark. */
  end(id: string): void;
  /** Every partition ended (end of bounded input): the watermark becomes +Infinity. */
  endAll(): void;
  /** Raises every open partition's watermark to at least `t` (as if it had released a record at t + lateness). */
  raiseTo(t: number): void;
  /** Recomputes and returns the (monotonic) task watermark. */
  advance(): number;
  /** The last computed task watermark; -Infinity before any partition produced. */
  current(): number;
  /** Largest event time released so far, over all partitions ("stream time"). */
  streamTime(): number;
  snapshot(): Value;
  /** Restores a snapshot; every partition is open again (the runner re-declares ended ones). */
  restore(snapshot: Value): void;
}

/**
 * Creates a tracker. A partition is idle when stream time (the largest event time released over all
 * partitions) is more than `idleTimeoutMs` past its own largest event time (or past the first
 * released event time, for a partition that never produced): it then stops holding the watermark
 * back. Measured in stream time, so a replay gives the same watermarks whatever the batching.
 */
export function createWatermarkTracker(
  partitions: readonly TrackedPartition[],
  idleTimeoutMs = Number.POSITIVE_INFINITY,
): WatermarkTracker {
  const specs = partitions.filter((p) => p.holdsWatermark);
  const lateness = new Map(partitions.map((p) => [p.id, p.latenessMs]));
  const states = new Map<string, PartitionState>(
    partitions.map((p) => [p.id, { maxEventTime: Number.NEGATIVE_INFINITY, ended: false }]),
  );
  // The states of `specs`, by index (candidate() runs once per released record).
  const specStates = specs.map((p) => states.get(p.id) as PartitionState);
  let watermark = Number.NEGATIVE_INFINITY;
  let stream = Number.NEGATIVE_INFINITY;
  let firstTime = Number.NEGATIVE_INFINITY;

  const isIdle = (s: PartitionState): boolean => {
    const last = s.maxEventTime === Number.NEGATIVE_INFINITY ? firstTime : s.maxEventTime;
    return last !== Number.NEGATIVE_INFINITY && stream - last > idleTimeoutMs;
  };

  const candidate = (): number => {
    let active = Number.POSITIVE_INFINITY;
    let idle = Number.POSITIVE_INFINITY;
    for (let i = 0; i < specs.length; i++) {
      const p = specs[i] as TrackedPartition;
      const s = specStates[i] as PartitionState;
      if (s.ended) continue;
      const wm = s.maxEventTime - p.latenessMs;
      if (isIdle(s)) idle = Math.min(idle, wm);
      else active = Math.min(active, wm);
    }
    // When every open partition is idle, the least of them still bounds the watermark.
    return active !== Number.POSITIVE_INFINITY ? active : idle;
  };

  return {
    observe(id, eventTime) {
      const s = states.get(id);
      if (!s) throw new Error(`watermark tracker: unknown partition ${id}`);
      if (eventTime > s.maxEventTime) s.maxEventTime = eventTime;
      if (eventTime > stream) stream = eventTime;
      if (firstTime === Number.NEGATIVE_INFINITY) firstTime = eventTime;
    },
    observeWatermark(id, wm, eventTime) {
      const s = states.get(id);
      if (!s) throw new Error(`watermark tracker: unknown partition ${id}`);
      const asMax = wm + (lateness.get(id) ?? 0);
      if (asMax > s.maxEventTime) s.maxEventTime = asMax;
      if (eventTime !== undefined) {
        if (eventTime > stream) stream = eventTime;
        if (firstTime === Number.NEGATIVE_INFINITY) firstTime = eventTime;
      }
    },
    partitionWatermark(id) {
      const s = states.get(id);
      if (!s) throw new Error(`watermark tracker: unknown partition ${id}`);
      return s.maxEventTime - (lateness.get(id) ?? 0);
    },
    end(id) {
      const s = states.get(id);
      if (s) s.ended = true;
    },
    endAll() {
      for (const s of states.values()) s.ended = true;
      watermark = Number.POSITIVE_INFINITY;
    },
    raiseTo(t) {
      for (const p of specs) {
        const s = states.get(p.id)!;
        if (!s.ended && t + p.latenessMs > s.maxEventTime) s.maxEventTime = t + p.latenessMs;
      }
    },
    advance() {
      const c = candidate();
      if (c > watermark) watermark = c;
      return watermark;
    },
    current: () => watermark,
    streamTime: () => stream,
    snapshot() {
      const max: Record<string, Value> = {};
      for (const [id, s] of states) max[id] = encodeTime(s.maxEventTime);
      return {
        watermark: encodeTime(watermark),
        stream: encodeTime(stream),
        first: encodeTime(firstTime),
        max,
      };
    },
    restore(snapshot) {
      const snap = snapshot as { watermark: Value; stream: Value; first: Value; max: Record<string, Value> };
      watermark = decodeTime(snap.watermark);
      stream = decodeTime(snap.stream);
      firstTime = decodeTime(snap.first);
      for (const [id, s] of states) {
        s.maxEventTime = decodeTime(snap.max[id] ?? null);
        s.ended = false;
      }
    },
  };
}

// JSON has no infinities: encode them as null ("-inf") and a string ("+inf").
function encodeTime(t: number): Value {
  if (t === Number.NEGATIVE_INFINITY) return null;
  if (t === Number.POSITIVE_INFINITY) return "+inf";
  return t;
}

function decodeTime(v: Value | undefined): number {
  if (typeof v === "number") return v;
  return v === "+inf" ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
}

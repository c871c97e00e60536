// Event-time stage: when an upstream task tells its repartition channels how far its watermark got.
// Records carry the watermark; a watermark-only record is written when the carried watermark of a
// topic crosses a multiple of `intervalMs`. That rule depends only on the task's watermark sequence,
// which the task restores with its state, so a restarted or re-batched run writes the same ones.

/** A watermark for the channels of a repartition topic that a task writes. */
export interface ChannelWatermark {
  readonly topic: string;
  readonly watermark: number;
}

/** A repartition topic the task writes, and the stream-join delay its records carry less. */
export interface ChannelTopic {
  readonly topic: string;
  readonly delayMs: number;
}

export interface ChannelWatermarks {
  /** Sets the last told watermark from the task's (restored) one: nothing is due for it. */
  reset(watermark: number): void;
  /** The watermark-only records due now that the task watermark is `watermark`. */
  due(watermark: number): readonly ChannelWatermark[];
}

/** due()'s answer on almost every call (it is asked once per released record). */
const NONE_DUE: readonly ChannelWatermark[] = Object.freeze([]);

/** Default spacing of watermark-only records, in event time. */
export const DEFAULT_WATERMARK_INTERVAL_MS = 60_000;

export function createChannelWatermarks(
  topics: readonly ChannelTopic[],
  intervalMs = DEFAULT_WATERMARK_INTERVAL_MS,
): ChannelWatermarks {
  if (!(intervalMs > 0)) throw new Error(`watermark interval must be positive, got ${intervalMs}`);
  const bucket = (t: number): number => (Number.isFinite(t) ? Math.floor(t / intervalMs) : t);
  let last = Number.NEGATIVE_INFINITY;
  return {
    reset(watermark) {
      last = bucket(watermark);
    },
    due(watermark) {
      if (topics.length === 0 || !Number.isFinite(watermark)) return NONE_DUE;
      const b = bucket(watermark);
      if (b <= last) return NONE_DUE;
      last = b;
      return topics.map((t) => ({ topic: t.topic, watermark: watermark - t.delayMs }));
    },
  };
}

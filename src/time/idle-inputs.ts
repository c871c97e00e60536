// Event-time stage: when a live source partition counts as idle (Kafka worker only). A partition is
// idle once it has been caught up (nothing left to fetch) and has brought no record for its stream's
// `idle after` of wall-clock time; the task then advances that partition's watermark to the wall
// clock minus its lateness and records the decision (task.ts declareIdle). While the quiet lasts,
// the decision is taken again at most once per `idle after`, so a long quiet spell keeps windows
// closing without writing a transaction on every tick.

/** `idle after` of a stream that declares none (a worker may set another default). */
export const DEFAULT_IDLE_AFTER_MS = 60_000;

/** A source partition the detector follows. */
export interface IdleInput {
  /** `topic/partition`. */
  readonly id: string;
  readonly idleAfterMs: number;
}

export interface IdleDetector {
  /** Records arrived for `id` (or it was opened) at wall-clock `now`. */
  sawData(id: string, now: number): void;
  /** Whether the consumer had fetched everything `id` held, as of its last fetch. */
  setCaughtUp(id: string, caughtUp: boolean): void;
  /** The partitions to declare idle now (until `decided`, they stay due). */
  due(now: number): string[];
  /** The task took the decision for `id`: not due again for its `idle after`. */
  decided(id: string, now: number): void;
}

interface State {
  readonly idleAfterMs: number;
  lastData: number;
  lastDecision: number;
  caughtUp: boolean;
}

/** `caughtUp`: the inputs that had nothing left to fetch when the task opened. */
export function createIdleDetector(
  inputs: readonly IdleInput[],
  now: number,
  caughtUp: ReadonlySet<string>,
): IdleDetector {
  const states = new Map<string, State>(
    inputs
      .filter((i) => Number.isFinite(i.idleAfterMs))
      .map((i) => [
        i.id,
        {
          idleAfterMs: i.idleAfterMs,
          lastData: now,
          lastDecision: Number.NEGATIVE_INFINITY,
          caughtUp: caughtUp.has(i.id),
        },
      ]),
  );
  return {
    sawData(id, at) {
      const s = states.get(id);
      if (s === undefined) return;
      s.lastData = at;
      s.lastDecision = Number.NEGATIVE_INFINITY;
    },
    setCaughtUp(id, value) {
      const s = states.get(id);
      if (s !== undefined) s.caughtUp = value;
    },
    due(at) {
      const out: string[] = [];
      for (const [id, s] of states) {
        if (!s.caughtUp || at - s.lastData < s.idleAfterMs || at - s.lastDecision < s.idleAfterMs) continue;
        out.push(id);
      }
      return out;
    },
    decided(id, at) {
      const s = states.get(id);
      if (s !== undefined) s.lastDecision = at;
    },
  };
}

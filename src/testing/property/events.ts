// Testing kit, property tests: timed events. A timeline gives a stream's generated rows distinct,
// increasing event times; `withinLateness` reorders events so that none arrives later than the
// stream's declared lateness allows (so no record is ever late), and `interleave` merges streams.
import fc from "fast-check";
import type { Row } from "../../core/value.ts";
import type { StreamDecl } from "../../plan/plan.ts";
import { arbitrary, type RecordConstraints } from "./arbitrary.ts";

/** One record to pipe: into which stream or table, at which event time. */
export interface TimedEvent {
  readonly source: string;
  readonly at: number;
  readonly row: Row;
}

export interface TimelineOptions extends RecordConstraints {
  /** Event time of the first event (epoch ms). Default 2026-01-01T00:00:00Z. */
  readonly start?: number;
  /** Gap between consecutive events, ms (at least 1: times are distinct). Default 1 to 60,000. */
  readonly gap?: { readonly min: number; readonly max: number };
  /** How many events. Default 0 to 40. */
  readonly length?: { readonly min: number; readonly max: number };
  /** `"in-order"` (default) or `"within-lateness"`: shuffled as far as the stream's lateness allows. */
  readonly order?: "in-order" | "within-lateness";
}

/** Events of one stream with rows from its schema and distinct increasing times (or shuffled within lateness). */
export function timeline(stream: StreamDecl, opts: TimelineOptions = {}): fc.Arbitrary<TimedEvent[]> {
  const start = opts.start ?? Date.UTC(2026, 0, 1);
  const gap = opts.gap ?? { min: 1, max: 60_000 };
  if (gap.min < 1) throw new Error("timeline gaps must be at least 1 ms (distinct event times)");
  const length = opts.length ?? { min: 0, max: 40 };
  const step = fc.tuple(arbitrary(stream, opts), fc.integer(gap));
  const events = fc.array(step, { minLength: length.min, maxLength: length.max }).map((steps) => {
    let at = start;
    return steps.map(([row, g], i) => {
      at = i === 0 ? start : at + g;
      return { source: stream.name, at, row };
    });
  });
  return opts.order === "within-lateness"
    ? events.chain((e) => withinLateness(e, stream.latenessMs))
    : events;
}

/**
 * The events in an arrival order where none is late: each event's arrival key is its time plus a
 * jitter below `latenessMs`, so an event arrives after nothing more than `latenessMs` newer than it.
 */
export function withinLateness(
  events: readonly TimedEvent[],
  latenessMs: number,
): fc.Arbitrary<TimedEvent[]> {
  if (latenessMs <= 0 || events.length < 2) return fc.constant([...events]);
  return fc
    .array(fc.integer({ min: 0, max: latenessMs - 1 }), {
      minLength: events.length,
      maxLength: events.length,
    })
    .map((jitter) =>
      events
        .map((e, i) => ({ e, key: e.at + jitter[i]!, i }))
        .sort((a, b) => a.key - b.key || a.i - b.i)
        .map((x) => x.e),
    );
}

/** Several timelines merged in event-time order (ties keep the order of the arguments). */
export function interleave(...timelines: readonly (readonly TimedEvent[])[]): TimedEvent[] {
  return timelines
    .flatMap((t, s) => t.map((e, i) => ({ e, s, i })))
    .sort((a, b) => a.e.at - b.e.at || a.s - b.s || a.i - b.i)
    .map((x) => x.e);
}

// Pattern test helpers: matches (from the operator or from a reference) as comparable strings,
// `[[step, ids], ...], ts` with the steps sorted by name.
import type { StreamRecord } from "../../../src/core/record.ts";
import { readMatch, type TestEvent, type TestPattern, type TestStep } from "./build.ts";
import type { RefEvent, RefTake } from "./reference-matcher.ts";

export function canonical(steps: Readonly<Record<string, readonly number[]>>, ts: number): string {
  const sorted = Object.keys(steps)
    .sort()
    .map((k) => [k, steps[k]]);
  return JSON.stringify([sorted, ts]);
}

/** One key's events as the reference sees them (arrival order numbered). */
export function keyEvents(events: readonly TestEvent[], key: string): RefEvent[] {
  return events.filter((e) => e.key === key).map((e, i) => ({ ts: e.ts, arrival: i, row: e.row }));
}

/** A reference match (takes into the sorted events `ev`) as a canonical string at time `ts`. */
export function canonicalTakes(
  p: TestPattern,
  takes: readonly RefTake[],
  ev: readonly RefEvent[],
  ts: number,
) {
  const positive = p.steps.filter((s) => !(s.opts.negated ?? false));
  const steps: Record<string, number[]> = {};
  for (const s of p.steps) steps[s.name] = [];
  for (const t of takes) {
    const row = (ev[t.idx] as RefEvent).row;
    (steps[(positive[t.step] as TestStep).name] as number[]).push(row["id"] as number);
  }
  return canonical(steps, ts);
}

/** The operator's output records of one key, canonical, in output order. */
export function actual(out: readonly StreamRecord[], key: string): string[] {
  return out
    .filter((o) => o.key === key)
    .map((o) => {
      const m = readMatch(o);
      return canonical(m.steps, m.ts);
    });
}

/**
 * Matches `skip to ... or fail` refused, read back from one key's dead letters, canonical: the record
 * is the match's last event, the message lists every take as `step=topic/partition@offset`, and an
 * offset is the event's place in `arrivals` (runPattern numbers them so).
 */
export function refused(
  p: TestPattern,
  dead: readonly { readonly record: StreamRecord; readonly message: string }[],
  arrivals: readonly TestEvent[],
  key: string,
): string[] {
  return dead
    .filter((d) => d.record.key === key)
    .map((d) => {
      const steps: Record<string, number[]> = {};
      for (const s of p.steps) steps[s.name] = [];
      for (const [, name, offset] of d.message.matchAll(/(\w+)=in\/0@(\d+)/g)) {
        (steps[name as string] as number[]).push(arrivals[Number(offset)]?.row["id"] as number);
      }
      return canonical(steps, d.record.timestamp);
    });
}

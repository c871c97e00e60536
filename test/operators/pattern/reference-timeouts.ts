// Brute-force reference for timed-out partial matches (`on timeout emit`, docs/patterns.md section
// "Timed-out partial matches"), by definition: every valid prefix of a match (rules M1 max, M2-M7 on
// each take) that is not complete by M1's counts and that could still go on when `within` ends: some
// continuation (another iteration of its last step, or a later step reachable over optional steps)
// that no event up to the horizon rules out. Without a skip strategy (no-skip) that is exactly the
// set the operator reports; a skip strategy can only prune partial matches, so it reports a subset.

import type { TestPattern, TestStep } from "./build.ts";
import {
  type Ctx,
  compare,
  count,
  endOf,
  extends_,
  holds,
  horizonOf,
  key,
  makeCtx,
  negsBetween,
  onceStart,
  type RefEvent,
  type RefTake,
  skippedOk,
  sortEvents,
} from "./reference-matcher.ts";

const maxOf = (s: TestStep) => (s.opts.max === undefined ? 1 : (s.opts.max ?? Number.POSITIVE_INFINITY));
const minOf = (s: TestStep) => s.opts.min ?? 1;

/** Timed-out partial matches of one key, in the operator's order: time out, then preference. */
export function referenceTimeouts(
  p: TestPattern,
  events: readonly RefEvent[],
): { takes: RefTake[]; at: number; events: RefEvent[] }[] {
  if (p.withinMs === null && (p.gapMs ?? null) === null) return [];
  const ev = sortEvents(events);
  const c = makeCtx(p, ev);
  const once = p.startOnce === true ? onceStart(c) : null;
  const out: { takes: RefTake[]; at: number; key: number[] }[] = [];
  const go = (takes: RefTake[]) => {
    const started = takes.length > 0 && (p.startOnce !== true || (takes[0] as RefTake).idx === once);
    if (started && !completeByCounts(c, takes) && alive(c, takes)) {
      const at = endOf(c, takes[0] as RefTake, takes[takes.length - 1] as RefTake);
      out.push({ takes, at, key: key(takes) });
    }
    const last = takes[takes.length - 1];
    for (let x = last === undefined ? 0 : last.idx + 1; x < ev.length; x++) {
      for (let s = last === undefined ? 0 : last.step; s < c.pos.length; s++) {
        if (skippedOk(c, takes, s) && extends_(c, takes, x, s)) go([...takes, { idx: x, step: s }]);
      }
    }
  };
  go([]);
  out.sort((a, b) => a.at - b.at || compare(a.key, b.key));
  return out.map(({ takes, at }) => ({ takes, at, events: ev }));
}

function completeByCounts(c: Ctx, takes: readonly RefTake[]): boolean {
  const last = (takes[takes.length - 1] as RefTake).step;
  if (count(takes, last) < minOf(c.pos[last] as TestStep)) return false;
  return c.pos.slice(last + 1).every((s) => minOf(s) === 0);
}

// Some continuation survives every event after the last take up to its end (within, gap).
function alive(c: Ctx, takes: readonly RefTake[]): boolean {
  const first = takes[0] as RefTake;
  const last = takes[takes.length - 1] as RefTake;
  const horizon = horizonOf(c, first, last);
  if (horizon === last.idx) return true; // nothing happened since the last take
  const step = c.pos[last.step] as TestStep;
  const n = count(takes, last.step);
  const gap = (ok: (y: number) => boolean) => {
    for (let y = last.idx + 1; y <= horizon; y++) if (!ok(y)) return false;
    return true;
  };
  // Another iteration of the last step, skipping the events in between (M4 inner, M5 until).
  if (n < maxOf(step)) {
    const inner = step.opts.inner ?? "relaxed";
    const u = step.opts.until;
    const skippable = (y: number) =>
      !(u !== undefined && holds(c, u, takes, y, step.name)) &&
      (inner === "non-deterministic" || (inner === "relaxed" && !holds(c, step.cond, takes, y, step.name)));
    if (gap(skippable)) return true;
  }
  if (n < minOf(step)) return false;
  // A later step, reachable over optional steps (M4, M6 on the gap, M7 on the first event after).
  const greedyLoops =
    ((step.opts.greedy ?? false) || (step.opts.longest ?? false)) &&
    n < maxOf(step) &&
    holds(c, step.cond, takes, last.idx + 1, step.name) &&
    !(step.opts.until !== undefined && holds(c, step.opts.until, takes, last.idx + 1, step.name));
  if (greedyLoops) return false;
  for (let j = last.step + 1; j < c.pos.length; j++) {
    const next = c.pos[j] as TestStep;
    const conn = next.opts.contiguity ?? "relaxed";
    const negs = negsBetween(c, last.step, j);
    const ok = (y: number) =>
      (conn === "non-deterministic" || (conn === "relaxed" && !holds(c, next.cond, takes, y, next.name))) &&
      negs.every(
        (neg) =>
          (neg.opts.contiguity === "strict" && y > last.idx + 1) || !holds(c, neg.cond, takes, y, neg.name),
      );
    if (gap(ok)) return true;
    if (minOf(next) > 0) break;
  }
  return false;
}

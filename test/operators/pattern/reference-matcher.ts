// Brute-force reference for pattern matching: enumerates matches BY DEFINITION (docs/patterns.md,
// rules M1-M8, M7L) over one key's whole event sequence, then applies the skip strategy. Obviously slow.
import type { Row, Value } from "../../../src/core/value.ts";
import type { Fn, TestPattern, TestStep } from "./build.ts";

export interface RefEvent {
  readonly ts: number;
  /** Arrival order (ties on time are broken by it). */
  readonly arrival: number;
  readonly row: Row;
}

/** A take: index into the sorted events and index of the positive step. */
export interface RefTake {
  readonly idx: number;
  readonly step: number;
}

export interface Ctx {
  readonly ev: readonly RefEvent[];
  readonly pos: readonly TestStep[];
  /** negAfter[i]: negated steps right after positive step i. */
  readonly negAfter: readonly (readonly TestStep[])[];
  readonly names: readonly string[];
  readonly within: number;
  /** `within D between steps` (M3b); infinite without. */
  readonly gap: number;
  /** Some step is `longest`: the order of preference puts the longest match from a start first. */
  readonly longest: boolean;
}

const ALIAS = "ev";

/**
 * The environment of the definition: steps' last rows, `$steps`, the candidate under its step and
 * the alias, and `$prev`: the row of the event just before the candidate in the key's order.
 */
function env(c: Ctx, prefix: readonly RefTake[], idx: number, name: string): Record<string, Value> {
  const cand = c.ev[idx] as RefEvent;
  const e: Record<string, Value> = {};
  const steps: Record<string, Row[]> = {};
  for (const n of c.names) {
    e[n] = null;
    steps[n] = [];
  }
  for (const t of prefix) {
    const n = (c.pos[t.step] as TestStep).name;
    const row = (c.ev[t.idx] as RefEvent).row;
    e[n] = row;
    (steps[n] as Row[]).push(row);
  }
  e["$steps"] = steps;
  e["$prev"] = idx > 0 ? (c.ev[idx - 1] as RefEvent).row : null;
  e[ALIAS] = cand.row;
  e[name] = cand.row;
  return e;
}

export function holds(c: Ctx, fn: Fn | null, prefix: readonly RefTake[], idx: number, name: string): boolean {
  return fn === null || fn(env(c, prefix, idx, name));
}

export function negsBetween(c: Ctx, from: number, to: number): TestStep[] {
  return c.negAfter.slice(from, to).flat();
}

export function count(takes: readonly RefTake[], step: number): number {
  return takes.filter((t) => t.step === step).length;
}

/** Can take (x, s) extend `takes`? Rules M1 (max), M2, M3, M4, M5, M6 (gaps), M7. */
export function extends_(c: Ctx, takes: readonly RefTake[], x: number, s: number): boolean {
  const step = c.pos[s] as TestStep;
  const max = step.opts.max === undefined ? 1 : (step.opts.max ?? Number.POSITIVE_INFINITY);
  if (count(takes, s) + 1 > max) return false; // M1 (max)
  if (!holds(c, step.cond, takes, x, step.name)) return false; // M2
  if (step.opts.until !== undefined && holds(c, step.opts.until, takes, x, step.name)) return false; // M5 (taken)
  const first = takes[0];
  if (first === undefined) return true;
  if ((c.ev[x] as RefEvent).ts - (c.ev[first.idx] as RefEvent).ts >= c.within) return false; // M3
  const last = takes[takes.length - 1] as RefTake;
  const l = last.idx;
  if ((c.ev[x] as RefEvent).ts - (c.ev[l] as RefEvent).ts >= c.gap) return false; // M3b
  const contiguity = s === last.step ? (step.opts.inner ?? "relaxed") : (step.opts.contiguity ?? "relaxed");
  if (contiguity === "strict" && x !== l + 1) return false; // M4
  if (contiguity === "relaxed") {
    for (let y = l + 1; y < x; y++) if (holds(c, step.cond, takes, y, step.name)) return false;
  }
  if (s === last.step) {
    const u = step.opts.until;
    if (u !== undefined) for (let y = l + 1; y <= x; y++) if (holds(c, u, takes, y, step.name)) return false; // M5
    return true;
  }
  for (const n of negsBetween(c, last.step, s)) {
    if (!gapClear(c, n, takes, l, x)) return false; // M6
  }
  return !greedyWouldLoop(c, takes, last); // M7
}

/** M6: no event in (l, to] satisfies the negated step (strict: only event l + 1). */
function gapClear(c: Ctx, n: TestStep, takes: readonly RefTake[], l: number, to: number): boolean {
  const hi = n.opts.contiguity === "strict" ? Math.min(l + 1, to) : to;
  for (let y = l + 1; y <= hi; y++) if (holds(c, n.cond, takes, y, n.name)) return false;
  return true;
}

/** M7: a greedy (or longest) loop whose next event it could take may not hand over to a later step. */
function greedyWouldLoop(c: Ctx, takes: readonly RefTake[], last: RefTake): boolean {
  const step = c.pos[last.step] as TestStep;
  const max = step.opts.max === undefined ? 1 : (step.opts.max ?? Number.POSITIVE_INFINITY);
  const greedy = (step.opts.greedy ?? false) || (step.opts.longest ?? false);
  if (!greedy || count(takes, last.step) >= max) return false;
  const y = last.idx + 1;
  const u = step.opts.until;
  return holds(c, step.cond, takes, y, step.name) && !(u !== undefined && holds(c, u, takes, y, step.name));
}

/**
 * Final rules for a complete match: M1 (min, skipped steps), trailing negations (M6 at the end), and
 * M7L: a match may not end in a longest loop that could take the key's next event (as one more take).
 */
function complete(c: Ctx, takes: readonly RefTake[]): boolean {
  for (let s = 0; s < c.pos.length; s++)
    if (count(takes, s) < ((c.pos[s] as TestStep).opts.min ?? 1)) return false;
  const first = takes[0] as RefTake;
  const last = takes[takes.length - 1] as RefTake;
  const longest = (c.pos[last.step] as TestStep).opts.longest ?? false;
  if (longest && last.idx + 1 < c.ev.length && extends_(c, takes, last.idx + 1, last.step)) return false;
  const horizon = horizonOf(c, first, last);
  for (const n of negsBetween(c, last.step, c.pos.length)) {
    if (!gapClear(c, n, takes, last.idx, horizon)) return false;
  }
  return true;
}

/** When a partial match ending at `last` ends: first event + within, or last take + gap (M3, M3b). */
export function endOf(c: Ctx, first: RefTake, last: RefTake): number {
  return Math.min((c.ev[first.idx] as RefEvent).ts + c.within, (c.ev[last.idx] as RefEvent).ts + c.gap);
}

/** The last event index before the partial match's end (its horizon), at least `last.idx`. */
export function horizonOf(c: Ctx, first: RefTake, last: RefTake): number {
  const end = endOf(c, first, last);
  let horizon = last.idx;
  while (horizon + 1 < c.ev.length && (c.ev[horizon + 1] as RefEvent).ts < end) horizon++;
  return horizon;
}

/**
 * `match once`: the index of the key's first event that could start a match (some step reachable from
 * the start over optional steps takes it with an empty prefix); null when none does.
 */
export function onceStart(c: Ctx): number | null {
  for (let x = 0; x < c.ev.length; x++) {
    for (let s = 0; s < c.pos.length; s++) if (skippedOk(c, [], s) && extends_(c, [], x, s)) return x;
  }
  return null;
}

function enumerate(c: Ctx): RefTake[][] {
  const out: RefTake[][] = [];
  const go = (takes: RefTake[]) => {
    if (takes.length > 0 && complete(c, takes)) out.push(takes);
    const last = takes[takes.length - 1];
    for (let x = last === undefined ? 0 : last.idx + 1; x < c.ev.length; x++) {
      for (let s = last === undefined ? 0 : last.step; s < c.pos.length; s++) {
        if (skippedOk(c, takes, s) && extends_(c, takes, x, s)) go([...takes, { idx: x, step: s }]);
      }
    }
  };
  go([]);
  return out;
}

/** Pruning only (M1 would reject these at the end): steps skipped over must be optional. */
export function skippedOk(c: Ctx, takes: readonly RefTake[], s: number): boolean {
  const last = takes[takes.length - 1];
  const from = last === undefined ? 0 : last.step;
  if (
    last !== undefined &&
    s > last.step &&
    count(takes, last.step) < ((c.pos[last.step] as TestStep).opts.min ?? 1)
  )
    return false;
  for (let k = last === undefined ? 0 : from + 1; k < s; k++)
    if (((c.pos[k] as TestStep).opts.min ?? 1) > 0) return false;
  return true;
}

/**
 * A match's place in the order of preference (start, end, then each take); `longest` (a pattern with
 * a longest loop): among matches from one start, the one that ends last first.
 */
export function key(m: readonly RefTake[], longest = false): number[] {
  const end = (m[m.length - 1] as RefTake).idx;
  const k = [(m[0] as RefTake).idx, longest ? -end : end];
  for (const t of m) k.push(t.idx, t.step);
  return k;
}

export function compare(a: number[], b: number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++)
    if (a[i] !== b[i]) return (a[i] as number) - (b[i] as number);
  return a.length - b.length;
}

/**
 * Index a later match must start at (inclusive) after `m`; null for no-skip. `missed`: `skip to
 * first/last X or fail` refuses `m` (X took nothing, or X's event is m's first), and the next match
 * starts after m's last event.
 */
function cursorAfter(p: TestPattern, c: Ctx, m: readonly RefTake[]): { at: number | null; missed: boolean } {
  const start = (m[0] as RefTake).idx;
  const end = (m[m.length - 1] as RefTake).idx;
  const sk = p.skip;
  if (sk.kind === "no-skip") return { at: null, missed: false };
  if (sk.kind === "skip-to-next") return { at: start + 1, missed: false };
  if (sk.kind === "skip-past-last") return { at: end + 1, missed: false };
  const s = c.pos.findIndex((x) => x.name === sk.step);
  const own = m.filter((t) => t.step === s);
  const pick = sk.kind === "skip-to-first" ? own[0] : own[own.length - 1];
  if (pick !== undefined && pick.idx !== start) return { at: pick.idx, missed: false };
  return sk.orFail ? { at: end + 1, missed: true } : { at: start + 1, missed: false };
}

export interface RefMatch {
  readonly takes: RefTake[];
  readonly events: RefEvent[];
}

/** The matches of one key's events, in emission order (no-skip: in preference order). */
export function referenceMatches(p: TestPattern, events: readonly RefEvent[]): RefMatch[] {
  return referenceRun(p, events).matches;
}

/** Emitted matches, and those `or fail` refused (the dead letters), each in decision order. */
export function referenceRun(
  p: TestPattern,
  events: readonly RefEvent[],
): { matches: RefMatch[]; missed: RefMatch[] } {
  const ev = sortEvents(events);
  const c = makeCtx(p, ev);
  const once = p.startOnce === true ? onceStart(c) : null;
  const all = enumerate(c)
    .filter((m) => p.startOnce !== true || (m[0] as RefTake).idx === once)
    .sort((a, b) => compare(key(a, c.longest), key(b, c.longest)));
  const out: RefTake[][] = [];
  const missed: RefTake[][] = [];
  let cursor = Number.NEGATIVE_INFINITY;
  for (const m of all) {
    if ((m[0] as RefTake).idx < cursor) continue;
    const next = cursorAfter(p, c, m);
    (next.missed ? missed : out).push(m);
    cursor = next.at ?? cursor;
  }
  return {
    matches: out.map((takes) => ({ takes, events: ev })),
    missed: missed.map((takes) => ({ takes, events: ev })),
  };
}

/** One key's events in the matcher's order: (time, arrival). */
export function sortEvents(events: readonly RefEvent[]): RefEvent[] {
  return [...events].sort((a, b) => a.ts - b.ts || a.arrival - b.arrival);
}

/** The definition's context for a pattern over sorted events. */
export function makeCtx(p: TestPattern, ev: readonly RefEvent[]): Ctx {
  const pos = p.steps.filter((s) => !(s.opts.negated ?? false));
  const negAfter: TestStep[][] = [];
  for (const s of p.steps) {
    if (s.opts.negated ?? false) negAfter[negAfter.length - 1]?.push(s);
    else negAfter.push([]);
  }
  return {
    ev,
    pos,
    negAfter,
    names: p.steps.map((s) => s.name),
    within: p.withinMs ?? Number.POSITIVE_INFINITY,
    gap: p.gapMs ?? Number.POSITIVE_INFINITY,
    longest: pos.some((s) => s.opts.longest ?? false),
  };
}

// Operators stage (pattern, policy): the vocabulary every skip strategy shares: positions in a key's
// event-time order, the cursor a strategy returns, and how a cursor admits a match's start.
import type { SkipStrategy } from "../../../plan/plan.ts";
import type { Take } from "../shared-buffer.ts";

/** An event's place in a key's event-time order: (timestamp, arrival sequence). */
export interface Position {
  readonly ts: number;
  readonly seq: number;
}

/** Where the next emitted match may start: at `pos` or later (inclusive) or strictly after it. */
export interface Cursor {
  readonly pos: Position;
  readonly inclusive: boolean;
}

export interface SkipPolicy {
  readonly kind: SkipStrategy["kind"];
  /** False for no-skip: every match is emitted when it completes and nothing is pruned. */
  readonly prunes: boolean;
  /** The cursor after emitting a match with these takes (`names[i]` names positive step i). */
  cursor(takes: readonly Take[], names: readonly string[]): Cursor | null;
  /**
   * `skip to first/last X or fail`: why a match with these takes must not be emitted (X took no event,
   * or X's event is the match's own first event); null when it may be, and always without `or fail`.
   */
  miss(takes: readonly Take[], names: readonly string[]): SkipMiss | null;
}

/** Why `skip to first/last X or fail` refuses a match: X took nothing, or X's event starts the match. */
export type SkipMiss = "no-event" | "first-event";

/** No strategy but `skip to first/last X or fail` ever refuses a match. */
export const NEVER_MISSES = (): SkipMiss | null => null;

export function comparePositions(a: Position, b: Position): number {
  return a.ts !== b.ts ? a.ts - b.ts : a.seq - b.seq;
}

/** True when a match starting at `start` may still be emitted after `cursor`. */
export function admits(cursor: Cursor, start: Position): boolean {
  const c = comparePositions(start, cursor.pos);
  return cursor.inclusive ? c >= 0 : c > 0;
}

/** The position of a take's event. */
export function positionOf(t: Take): Position {
  return { ts: t.event.ts, seq: t.event.seq };
}

/** The event "skip to first/last X" skips to, or why there is none to use (SkipMiss). */
export function stepTarget(
  takes: readonly Take[],
  stepIndex: number,
  which: "first" | "last",
): Position | SkipMiss {
  const own = takes.filter((t) => t.step === stepIndex);
  const pick = which === "first" ? own[0] : own[own.length - 1];
  if (pick === undefined) return "no-event";
  const pos = positionOf(pick);
  return comparePositions(pos, positionOf(takes[0] as Take)) === 0 ? "first-event" : pos;
}

/**
 * Cursor for "skip to step X": the first (or last) event X took, but never the match's own start,
 * so the next match starts strictly later (if X took nothing, this is skip to next).
 */
export function toStepCursor(takes: readonly Take[], stepIndex: number, which: "first" | "last"): Cursor {
  const target = stepTarget(takes, stepIndex, which);
  if (typeof target === "string") return { pos: positionOf(takes[0] as Take), inclusive: false };
  return { pos: target, inclusive: true };
}

/** The miss of "skip to first/last X" for these takes (only meaningful with `or fail`). */
export function toStepMiss(
  takes: readonly Take[],
  stepIndex: number,
  which: "first" | "last",
): SkipMiss | null {
  const target = stepTarget(takes, stepIndex, which);
  return typeof target === "string" ? target : null;
}

// Reference model for window aggregates: brute force over the accepted records, with lateness
// decided by the watermark each record arrived under. Obviously correct, quadratic, test-only.
import type { Value } from "../../../src/core/value.ts";

export interface Ev {
  readonly key: string;
  readonly t: number;
  readonly v: number | null;
  /** Arrival index = origin offset. */
  readonly i: number;
}

export type Win =
  | { kind: "tumbling"; size: number }
  | { kind: "hopping"; size: number; advance: number }
  | { kind: "sliding"; size: number }
  | { kind: "session"; gap: number };

export interface Out {
  readonly key: string;
  readonly start: number;
  readonly end: number;
  readonly aggs: Record<string, Value>;
}

export const AGG_NAMES = [
  "n",
  "cnt_v",
  "total",
  "mean",
  "lo",
  "hi",
  "distinct",
  "first_v",
  "last_v",
  "sd",
] as const;

/** The aggregates of a set of records, computed the obvious way. */
export function aggregate(evs: readonly Ev[]): Record<string, Value> {
  const nums = evs.map((e) => e.v).filter((v): v is number => v !== null);
  const byTime = [...evs].sort((a, b) => a.t - b.t || a.i - b.i);
  const mean = nums.length === 0 ? null : nums.reduce((a, b) => a + b, 0) / nums.length;
  const sd =
    mean === null ? null : Math.sqrt(nums.reduce((a, b) => a + (b - mean) * (b - mean), 0) / nums.length);
  return {
    n: evs.length,
    cnt_v: nums.length,
    total: nums.length === 0 ? null : nums.reduce((a, b) => a + b, 0),
    mean,
    lo: nums.length === 0 ? null : Math.min(...nums),
    hi: nums.length === 0 ? null : Math.max(...nums),
    distinct: new Set(nums).size,
    first_v: byTime[0]?.v ?? null,
    last_v: byTime[byTime.length - 1]?.v ?? null,
    sd,
  };
}

function fixedStarts(w: Win, t: number): number[] {
  if (w.kind === "tumbling") return [Math.floor(t / w.size) * w.size];
  if (w.kind !== "hopping") throw new Error("not fixed");
  const out: number[] = [];
  for (let s = Math.floor(t / w.advance) * w.advance; s > t - w.size; s -= w.advance) out.unshift(s);
  return out;
}

/** Sessions of a key's records: sorted by time, split where consecutive times are >= gap apart. */
function sessions(evs: readonly Ev[], gap: number): Ev[][] {
  const sorted = [...evs].sort((a, b) => a.t - b.t || a.i - b.i);
  const out: Ev[][] = [];
  for (const e of sorted) {
    const cur = out[out.length - 1];
    const last = cur?.[cur.length - 1];
    if (cur !== undefined && last !== undefined && e.t - last.t < gap) cur.push(e);
    else out.push([e]);
  }
  return out;
}

export interface RefResult {
  readonly outputs: Out[];
  readonly late: number[];
}

/**
 * Runs the model: records arrive in array order; record k sees the watermark
 * max(t_0..t_{k-1}) - lateness (or max(t_0..t_k) - lateness when `watermarkFirst`: the runtime
 * may advance the watermark with a record before the record reaches the operator). Emit changes: one output per update, in order. Emit final: one per window.
 */
export function reference(
  w: Win,
  grace: number,
  lateness: number,
  emit: "final" | "changes",
  evs: readonly Ev[],
  watermarkFirst = false,
): RefResult {
  let wm = Number.NEGATIVE_INFINITY;
  const accepted: Ev[] = [];
  const late: number[] = [];
  const changes: Out[] = [];
  const finals = new Map<string, Out>();
  for (const e of evs) {
    if (watermarkFirst) wm = Math.max(wm, e.t - lateness);
    const mine = () => accepted.filter((a) => a.key === e.key);
    if (w.kind === "tumbling" || w.kind === "hopping") {
      const open = fixedStarts(w, e.t).filter((s) => s + w.size + grace > wm);
      if (open.length === 0) late.push(e.i);
      else {
        accepted.push(e);
        for (const s of open) {
          const inWin = mine().filter((a) => a.t >= s && a.t < s + w.size && fixedStarts(w, a.t).includes(s));
          const o = { key: e.key, start: s, end: s + w.size, aggs: aggregate(inWin) };
          changes.push(o);
          finals.set(`${e.key}/${s}`, o);
        }
      }
    } else if (w.kind === "sliding") {
      if (e.t + 1 + grace <= wm) late.push(e.i);
      else {
        accepted.push(e);
        const inWin = mine().filter((a) => a.t > e.t - w.size && a.t <= e.t);
        changes.push({ key: e.key, start: e.t - w.size, end: e.t, aggs: aggregate(inWin) });
      }
    } else {
      if (e.t < wm - grace) late.push(e.i);
      else {
        accepted.push(e);
        const s = sessions(mine(), w.gap).find((ss) => ss.includes(e)) ?? [];
        const first = s[0] as Ev;
        const last = s[s.length - 1] as Ev;
        changes.push({ key: e.key, start: first.t, end: last.t + w.gap, aggs: aggregate(s) });
      }
    }
    if (!watermarkFirst) wm = Math.max(wm, e.t - lateness);
  }
  if (emit === "changes") return { outputs: changes, late };
  if (w.kind === "tumbling" || w.kind === "hopping") return { outputs: [...finals.values()], late };
  const keys = [...new Set(accepted.map((a) => a.key))];
  const outputs: Out[] = [];
  for (const k of keys) {
    const mine = accepted.filter((a) => a.key === k);
    if (w.kind === "sliding") {
      for (const e of mine) {
        const inWin = mine.filter((a) => a.t > e.t - w.size && a.t <= e.t);
        outputs.push({ key: k, start: e.t - w.size, end: e.t, aggs: aggregate(inWin) });
      }
    } else {
      for (const s of sessions(mine, w.gap)) {
        const last = s[s.length - 1] as Ev;
        outputs.push({ key: k, start: (s[0] as Ev).t, end: last.t + w.gap, aggs: aggregate(s) });
      }
    }
  }
  return { outputs, late };
}

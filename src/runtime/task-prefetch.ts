// Runtime stage: what a task's next step may read from its stores, for a state cache to prefetch.
// A record's needs follow its routes (the key it takes, and every stateful operator from its entry
// on: what it forwards keeps the key within a segment); a timer's, its operator's record key.
import { addStateNeeds, timerRecordKey } from "../operators/state-layout.ts";
import type { PlanOp } from "../plan/plan.ts";
import { StateNeeds } from "../state/state-needs.ts";
import type { DueTimer } from "../time/timer-service.ts";
import type { PendingRecord } from "./input-merger.ts";
import { operatorId, type SegmentChain } from "./segment-chain.ts";
import type { DecodedInput } from "./task-input.ts";
import type { Route } from "./task-routes.ts";

/** Timers prefetched per step: a step fires at most this many before the next prefetch. */
export const TIMER_CHUNK = 4096;

export class TaskPrefetch {
  private readonly routes: ReadonlyMap<string, readonly Route[]>;
  private readonly downstream = new Map<Route, readonly PlanOp[]>();
  private readonly byOperator = new Map<string, { op: PlanOp; rest: readonly PlanOp[] }>();

  constructor(routes: ReadonlyMap<string, readonly Route[]>, chains: readonly SegmentChain[]) {
    this.routes = routes;
    for (const list of routes.values())
      for (const r of list) this.downstream.set(r, r.chain.segment.ops.slice(r.entry));
    for (const chain of chains) {
      const ops = chain.segment.ops;
      ops.forEach((op, i) => {
        this.byOperator.set(operatorId(chain.segment, op), { op, rest: ops.slice(i) });
      });
    }
  }

  /** The needs of records about to be released. */
  recordNeeds(records: Iterable<PendingRecord<DecodedInput>>): StateNeeds {
    const needs = new StateNeeds();
    for (const rec of records) {
      const { payload, input } = rec;
      if (payload.kind === "error" || payload.kind === "watermark") continue;
      for (const route of this.routes.get(input.topic) ?? []) {
        const key = route.keyOf(input, payload);
        if (key === undefined) continue;
        for (const op of this.downstream.get(route) ?? []) addStateNeeds(op, key, needs);
      }
    }
    return needs;
  }

  /** `records`' needs (from recordNeeds) and those of the timers that may fire before them. */
  withTimers(records: StateNeeds, timers: readonly DueTimer[]): StateNeeds {
    if (timers.length === 0) return records;
    const needs = records.copy();
    for (const t of timers) {
      const at = this.byOperator.get(t.operator);
      if (at === undefined) continue; // an operator that no longer exists: its timer is dropped
      const key = timerRecordKey(at.op, t.key);
      for (const op of at.rest) addStateNeeds(op, key, needs);
    }
    return needs;
  }
}

/** The latest event time among `records` (-Infinity for none). */
export function latestEventTime(records: Iterable<PendingRecord<DecodedInput>>): number {
  let t = Number.NEGATIVE_INFINITY;
  for (const r of records) if (r.eventTime > t) t = r.eventTime;
  return t;
}

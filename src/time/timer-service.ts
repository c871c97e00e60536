// Event-time stage: timers persisted in one of the task's stores, so they survive commit, restore
// and rollback with the rest of the state. Keys sort by (time, operator, key): firing is in that order.

import type { TimerService } from "../operators/operator.ts";
import type { KeyValueStore } from "../state/store.ts";

// Times are shifted into [0, 2^53) and written as 16 decimal digits (V8 prints decimal fastest),
// so string order is numeric order.
const OFFSET = 2 ** 52;
const WIDTH = 16;
const SEP = "\u0000";

/** The greatest timer time that can be stored (later times are stored as this one). */
export const MAX_TIMER_TIME = OFFSET - 1;

/** Encodes an event time (integral ms, |t| < 2^52) so that keys compare like the numbers. */
export function encodeTimerTime(time: number): string {
  const t = Math.max(-OFFSET, Math.min(OFFSET - 1, Math.floor(time)));
  return String(t + OFFSET).padStart(WIDTH, "0");
}

function decodeTimerTime(s: string): number {
  return Number(s) - OFFSET;
}

/** The store key of a timer: `<time>\0<operator>\0<key>`. */
export function timerKey(time: number, operator: string, key: string): string {
  return `${encodeTimerTime(time)}${SEP}${operator}${SEP}${key}`;
}

/** A due timer, as dispatched to its operator. */
export interface DueTimer {
  readonly time: number;
  readonly operator: string;
  readonly key: string;
}

/** All timers of a task, in one store. */
export interface TaskTimers {
  /** The TimerService an operator (identified by a stable id such as `rule.op`) registers with. */
  forOperator(operator: string): TimerService;
  /**
   * Fires every timer with time <= watermark, in (time, operator, key) order, removing each before
   * dispatching it; timers registered while firing that are already due fire in the same call.
   */
  fireDue(watermark: number, dispatch: (timer: DueTimer) => void): number;
  /** Number of pending timers. */
  size(): number;
  /** Forgets what fireDue knows (call after the store was rolled back or restored). */
  invalidate(): void;
}

/** Creates the timer table over `store` (operator ids must not contain "\0"). */
export function createTaskTimers(store: KeyValueStore): TaskTimers {
  // Every timer below `floor` has fired (and was deleted), except those registered since, whose
  // least time lowers `floor` again. Scans start at `floor`, so the deleted timers (tombstones in the
  // store's overlay until the next commit) are not walked again and again.
  let floor = Number.NEGATIVE_INFINITY;
  // No pending timer is earlier than `next` (a lower bound; -Infinity: unknown), so fireDue skips
  // the store entirely while the watermark is below it: the common case, one compare per record.
  let next = Number.NEGATIVE_INFINITY;

  const earliestFrom = (time: number): number => {
    const from = time === Number.NEGATIVE_INFINITY ? "" : encodeTimerTime(time);
    const first = store.range(from, "\uffff").next();
    return first.done ? Number.POSITIVE_INFINITY : parseTimerKey(first.value[0]).time;
  };

  const scanFrom = (): string => (floor === Number.NEGATIVE_INFINITY ? "" : encodeTimerTime(floor));

  // While fireDue dispatches, the key being fired. A timer registered at or below it lies behind the
  // scan's cursor, so the scan starts again from `floor`, as it would without the cursor.
  let firing: string | undefined;
  let rescan = false;

  // Fires every pending timer with time <= watermark, least key first (each one the least pending
  // key from `floor`). One scan serves the whole call: the store's range is a live cursor (each step
  // seeks past the last key yielded), so timers registered ahead of the cursor while firing are met
  // by it and cancelled ones are skipped; only a timer registered behind it needs a new scan.
  const fireRange = (watermark: number, dispatch: (timer: DueTimer) => void): number => {
    const to = watermark === Number.POSITIVE_INFINITY ? "\uffff" : `${encodeTimerTime(watermark)}\u0001`;
    let scan = store.range(scanFrom(), to);
    let fired = 0;
    const outer = firing;
    try {
      for (let step = scan.next(); !step.done; step = scan.next()) {
        const key = step.value[0];
        const due = parseTimerKey(key);
        floor = due.time;
        store.delete(key);
        firing = key;
        rescan = false;
        dispatch(due);
        fired++;
        if (rescan) scan = store.range(scanFrom(), to);
      }
    } finally {
      firing = outer;
      // A nested call moved the store under the caller's cursor: the caller scans again.
      rescan = outer !== undefined;
    }
    return fired;
  };

  return {
    forOperator(operator) {
      return {
        register: (time, key) => {
          if (time < floor) floor = time;
          if (time < next) next = time;
          const k = timerKey(time, operator, key);
          if (firing !== undefined && k <= firing) rescan = true;
          store.put(k, 1);
        },
        cancel: (time, key) => store.delete(timerKey(time, operator, key)),
      };
    },
    fireDue(watermark, dispatch) {
      if (watermark < next) return 0;
      let fired = 0;
      if (watermark !== Number.NEGATIVE_INFINITY) fired = fireRange(watermark, dispatch);
      if (watermark !== Number.NEGATIVE_INFINITY && watermark > floor) floor = Math.floor(watermark);
      next = earliestFrom(floor);
      return fired;
    },
    size: () => store.size(),
    invalidate: () => {
      floor = Number.NEGATIVE_INFINITY;
      next = Number.NEGATIVE_INFINITY;
      if (firing !== undefined) rescan = true;
    },
  };
}

function parseTimerKey(k: string): DueTimer {
  const a = k.indexOf(SEP);
  const b = k.indexOf(SEP, a + 1);
  return { time: decodeTimerTime(k.slice(0, a)), operator: k.slice(a + 1, b), key: k.slice(b + 1) };
}

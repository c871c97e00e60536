// Event-time stage: the task's timers. They live in memory as numbers (a heap of distinct times, and
// per time the operators and keys due then), so registering and firing allocate no strings and walk
// no sorted store. Durability is write-behind: flush() writes the net change since the last flush to
// the task's timer store (a timer registered and fired in between never reaches it); the task calls
// it before it hands out its changelog and before it commits. The store therefore holds exactly the
// committed timers plus the flushed ones; after a rollback or a restore the table reloads from it.
// Keys in the store sort by (time, operator, key), and timers fire in that order.

import type { TimerService } from "../operators/operator.ts";
import type { KeyValueStore } from "../state/store.ts";
import { MinHeap } from "./min-heap.ts";

// Times are shifted into [0, 2^53) and written as 16 decimal digits (V8 prints decimal fastest),
// so string order is numeric order.
const OFFSET = 2 ** 52;
const WIDTH = 16;
const SEP = "\u0000";

/** The greatest timer time that can be stored (later times are stored as this one). */
export const MAX_TIMER_TIME = OFFSET - 1;

/** The time a timer is kept under: integral ms, clamped into what the store key can carry. */
function normalize(time: number): number {
  return Math.max(-OFFSET, Math.min(OFFSET - 1, Math.floor(time)));
}

/** Encodes an event time (integral ms, |t| < 2^52) so that keys compare like the numbers. */
export function encodeTimerTime(time: number): string {
  return String(normalize(time) + OFFSET).padStart(WIDTH, "0");
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

/** All timers of a task, over one store. */
export interface TaskTimers {
  /** The TimerService an operator (identified by a stable id such as `rule.op`) registers with. */
  forOperator(operator: string): TimerService;
  /**
   * Fires every timer with time <= watermark, least (time, operator, key) first, removing each before
   * dispatching it; timers registered while firing that are already due fire in the same call.
   */
  fireDue(watermark: number, dispatch: (timer: DueTimer) => void, limit?: number): number;
  /** Up to `limit` of the timers fireDue(watermark) would fire first, in that order, without firing them. */
  peekDue(watermark: number, limit: number): DueTimer[];
  /** Number of pending timers. */
  size(): number;
  /** Writes the changes since the last flush to the store (call before reading its changes or committing). */
  flush(): void;
  /** Reloads from the store (call after the store was rolled back or restored); unflushed changes are dropped. */
  invalidate(): void;
}

/**
 * The timers due at one time, each with whether the store has it (flushed or loaded): most times
 * hold one timer, kept inline; more are operator -> key -> stored. (Two Maps per distinct time were
 * most of a pending timer's memory, and sliding panes and pattern matches make times distinct.)
 */
type AtTime = OneTimer | Map<string, Map<string, boolean>>;

interface OneTimer {
  readonly operator: string;
  readonly key: string;
  stored: boolean;
}

/** Whether the store has the timer (operator, key) of `at`; undefined when it is not pending. */
function storedAt(at: AtTime | undefined, operator: string, key: string): boolean | undefined {
  if (at === undefined) return undefined;
  if (at instanceof Map) return at.get(operator)?.get(key);
  return at.operator === operator && at.key === key ? at.stored : undefined;
}

/** Records that the store now has the pending timer (operator, key) of `at`. */
function markStored(at: AtTime, operator: string, key: string): void {
  if (at instanceof Map) at.get(operator)?.set(key, true);
  else at.stored = true;
}

type Timer = readonly [time: number, operator: string, key: string];

/** Creates the timer table over `store` (operator ids must not contain "\0"). */
export function createTaskTimers(store: KeyValueStore): TaskTimers {
  return new TimerTable(store);
}

class TimerTable implements TaskTimers {
  private readonly store: KeyValueStore;
  private byTime = new Map<number, AtTime>();
  private times = new MinHeap();
  private count = 0;
  /** Registered since the last flush, not in the store (some may have fired since). */
  private added: Timer[] = [];
  /** Removed since the last flush while the store has them. */
  private removed: Timer[] = [];
  // While fireDue dispatches: the time and the sorted (operator, key) batch being fired from `next`.
  private firingTime: number | null = null;
  private batch: [string, string][] = [];
  private next = 0;
  /** Set when the batch being fired no longer holds the least due timers (an earlier one came, a nested call). */
  private stale = false;
  // The timers of one time in (operator, key) order, kept while no timer is added at that time, so a
  // time with many timers (every daily window of a task ends at once) is sorted once, not once per
  // chunk that fires or is peeked. Entries before `sortedStart` have fired; later ones may have been
  // cancelled (each reader checks).
  private sortedTime: number | null = null;
  private sorted: [string, string][] = [];
  private sortedStart = 0;

  constructor(store: KeyValueStore) {
    this.store = store;
    this.load();
  }

  forOperator(operator: string): TimerService {
    return {
      register: (time, key) => this.register(normalize(time), operator, key),
      cancel: (time, key) => this.remove(normalize(time), operator, key),
    };
  }

  fireDue(watermark: number, dispatch: (timer: DueTimer) => void, limit = Number.POSITIVE_INFINITY): number {
    // Asked once per released record; nearly always nothing is due.
    const least = this.leastTime();
    if (least === undefined || least > watermark || limit <= 0) {
      if (this.firingTime !== null) this.stale = true; // as after any nested call (below)
      return 0;
    }
    let fired = 0;
    const outerTime = this.firingTime;
    const outerBatch = this.batch;
    const outerNext = this.next;
    try {
      for (;;) {
        const time = this.leastTime();
        if (time === undefined || time > watermark || fired >= limit) break;
        this.startBatch(time);
        while (this.next < this.batch.length && !this.stale && fired < limit) {
          const [operator, key] = this.batch[this.next++] as [string, string];
          if (!this.remove(time, operator, key)) continue; // cancelled while firing
          dispatch({ time, operator, key });
          fired++;
        }
      }
    } finally {
      this.firingTime = outerTime;
      this.batch = outerBatch;
      this.next = outerNext;
      // A nested call changed what the caller's batch holds: the caller starts over.
      this.stale = outerTime !== null;
    }
    return fired;
  }

  peekDue(watermark: number, limit: number): DueTimer[] {
    const out: DueTimer[] = [];
    const popped: number[] = [];
    while (out.length < limit) {
      const time = this.leastTime();
      if (time === undefined || time > watermark) break;
      popped.push(this.times.pop() as number);
      const at = this.byTime.get(time);
      const entries = this.sortedAt(time);
      for (let i = this.sortedStart; i < entries.length && out.length < limit; i++) {
        const [operator, key] = entries[i] as [string, string];
        if (storedAt(at, operator, key) !== undefined) out.push({ time, operator, key });
      }
    }
    for (const t of popped) this.times.push(t);
    return out;
  }

  size(): number {
    return this.count;
  }

  flush(): void {
    for (const [time, operator, key] of this.removed) this.store.delete(timerKey(time, operator, key));
    for (const [time, operator, key] of this.added) {
      const at = this.byTime.get(time);
      if (at === undefined || storedAt(at, operator, key) !== false) continue; // fired or cancelled since, or flushed already
      markStored(at, operator, key);
      this.store.put(timerKey(time, operator, key), 1);
    }
    this.removed = [];
    this.added = [];
  }

  invalidate(): void {
    this.load();
    if (this.firingTime !== null) this.stale = true;
  }

  private load(): void {
    this.byTime = new Map();
    this.times = new MinHeap();
    this.count = 0;
    this.added = [];
    this.removed = [];
    this.sortedTime = null;
    for (const [k] of this.store.entries()) {
      const a = k.indexOf(SEP);
      const b = k.indexOf(SEP, a + 1);
      this.add(decodeTimerTime(k.slice(0, a)), k.slice(a + 1, b), k.slice(b + 1), true);
    }
  }

  private register(time: number, operator: string, key: string): void {
    if (!this.add(time, operator, key, false)) return;
    this.added.push([time, operator, key]);
    if (this.firingTime === null) return;
    if (time < this.firingTime) this.stale = true;
    else if (time === this.firingTime) this.insertIntoBatch(operator, key);
  }

  // Adds a timer to memory; false when it was already pending.
  private add(time: number, operator: string, key: string, stored: boolean): boolean {
    let at = this.byTime.get(time);
    if (at === undefined) {
      this.byTime.set(time, { operator, key, stored });
      this.times.push(time);
    } else {
      if (!(at instanceof Map)) {
        if (at.operator === operator && at.key === key) return false;
        const one = at;
        at = new Map([[one.operator, new Map([[one.key, one.stored]])]]);
        this.byTime.set(time, at);
      }
      let keys = at.get(operator);
      if (keys === undefined) {
        keys = new Map();
        at.set(operator, keys);
      }
      if (keys.has(key)) return false;
      keys.set(key, stored);
    }
    this.count++;
    if (time === this.sortedTime) this.sortedTime = null;
    return true;
  }

  // Removes a pending timer; false when there was none.
  private remove(time: number, operator: string, key: string): boolean {
    const at = this.byTime.get(time);
    const stored = storedAt(at, operator, key);
    if (stored === undefined) return false;
    if (stored) this.removed.push([time, operator, key]);
    if (at instanceof Map) {
      const keys = at.get(operator) as Map<string, boolean>;
      keys.delete(key);
      if (keys.size === 0) at.delete(operator);
      if (at.size === 0) this.byTime.delete(time); // its heap entry goes when it reaches the top
    } else this.byTime.delete(time);
    this.count--;
    return true;
  }

  private leastTime(): number | undefined {
    for (;;) {
      const t = this.times.peek();
      if (t === undefined || this.byTime.has(t)) return t;
      this.times.pop();
    }
  }

  // The timers due at `time`, in (operator, key) order: the order of their store keys.
  // (The batch is the sorted cache itself: a timer added at this time detaches the cache before
  // insertIntoBatch changes the batch.)
  private startBatch(time: number): void {
    this.batch = this.sortedAt(time);
    this.firingTime = time;
    this.next = this.sortedStart;
    this.stale = false;
  }

  // The timers at `time` in (operator, key) order, from the cache when it holds that time; the
  // fired entries at its front are skipped (sortedStart) for good.
  private sortedAt(time: number): [string, string][] {
    const at = this.byTime.get(time);
    if (this.sortedTime !== time) {
      const entries: [string, string][] = [];
      if (at instanceof Map) {
        for (const [operator, keys] of at) for (const key of keys.keys()) entries.push([operator, key]);
        entries.sort(compareEntries);
      } else if (at !== undefined) entries.push([at.operator, at.key]);
      this.sortedTime = time;
      this.sorted = entries;
      this.sortedStart = 0;
    }
    const entries = this.sorted;
    while (this.sortedStart < entries.length) {
      const [operator, key] = entries[this.sortedStart] as [string, string];
      if (storedAt(at, operator, key) !== undefined) break;
      this.sortedStart++;
    }
    return entries;
  }

  // A timer registered at the time being fired: into the unfired rest of the batch, in order.
  private insertIntoBatch(operator: string, key: string): void {
    const entry: [string, string] = [operator, key];
    let lo = this.next;
    let hi = this.batch.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareEntries(this.batch[mid] as [string, string], entry) < 0) lo = mid + 1;
      else hi = mid;
    }
    this.batch.splice(lo, 0, entry);
  }
}

// (operator, key) in the order of `operator\0key` as strings ("\0" sorts below every other unit).
function compareEntries(a: readonly [string, string], b: readonly [string, string]): number {
  if (a[0] !== b[0]) return a[0] < b[0] ? -1 : 1;
  return a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0;
}

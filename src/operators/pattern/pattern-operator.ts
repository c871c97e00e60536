// Operators stage (pattern): the pattern-match operator. Buffers each key's events until the watermark
// passes them, then runs the key's NFA over them in (timestamp, arrival) order, as Flink CEP does; all
// per-key state (buffered events, partial matches, shared buffer) lives in the operator's store as JSON.
import type { StreamRecord } from "../../core/record.ts";
import type { Row, Value } from "../../core/value.ts";
import type { Expr } from "../../plan/expr.ts";
import type { PatternOp } from "../../plan/plan.ts";
import type { KeyValueStore } from "../../state/store.ts";
import type { Operator, OperatorContext } from "../operator.ts";
import {
  decodeKey,
  encodeKey,
  keyScope,
  type OriginTuple,
  originTuple,
  patternStateKey,
  tupleOrigin,
} from "../store-keys.ts";
import { type CompiledPattern, compileNfa, type Env } from "./compile-nfa.ts";
import { outputEnv } from "./env.ts";
import { type InertTest, inertTest } from "./inert.ts";
import { KeyNfa, type Missed, type PartialJson, type TimedOut } from "./nfa.ts";
import { type LiveEntries, type PatternEvent, SharedBuffer, type Take } from "./shared-buffer.ts";
import { type SkipPolicy, skipPolicy } from "./skip/skip-policy.ts";

// A key's persisted state: next arrival sequence, next node id, partial matches, held matches, and
// the events waiting for the watermark in (time, sequence) order (in the entry itself, so buffering
// and taking them back needs no range scan of the store). A pattern that reads `prev(x)` also keeps
// `r`, the row of the key's last event fed to the NFA, for as long as the key lives. A `match once`
// pattern sets `o` once a partial match has started for the key, and keeps the entry from then on.
interface KeyState {
  readonly q: number;
  readonly n: number;
  readonly p: readonly PartialJson[];
  readonly h: readonly number[];
  readonly b: readonly BufferedJson[];
  readonly r?: Row | null;
  readonly o?: 1;
  /** The buffer's live node ids and event seqs (shared-buffer.ts), while it holds any. */
  readonly k?: readonly number[];
  readonly x?: readonly number[];
}

// `inert` (1): an event the cheap path would skip, kept only for `prev` (its place in event-time order).
type BufferedJson = [ts: number, seq: number, value: Row, origin: OriginTuple, inert?: 1];

/** The latest time a timer can carry (the timer table clamps to it); a timer here fires at end of input. */
export const END_OF_INPUT_TIME = 2 ** 52 - 1;

/**
 * Creates the operator for `op`. `compile` turns a checked expression into a closure over the
 * environment; a condition holds when it returns `true`. Output: one record per match, whose value
 * is the output environment of PatternOp, timestamped with the match's last event.
 */
export function createPatternOperator(
  op: PatternOp,
  ctx: OperatorContext,
  sourceAlias: string,
  compile: (e: Expr) => (env: Env) => Value,
): Operator {
  const pattern = compileNfa(
    op.steps,
    op.withinMs,
    op.skip,
    (e) => {
      const f = compile(e);
      return (env) => f(env) === true;
    },
    { timeouts: op.onTimeout !== null, gapMs: op.gapMs, startOnce: op.startOnce },
  );
  const store = ctx.store(op.store.name);
  const run: Runner = {
    op: op.name,
    pattern,
    policy: skipPolicy(op.skip),
    store,
    // Only a store that prefetches reads the names; keeping them costs a tenth of a busy key's fire.
    namesEntries: store.readsByName === true,
    ctx,
    alias: sourceAlias,
    inert: inertTest(op.steps, sourceAlias, compile),
  };
  return {
    process: (record) => accept(run, record),
    onTimer: (time, key) => fire(run, time, key),
  };
}

interface Runner {
  readonly op: string;
  readonly pattern: CompiledPattern;
  readonly policy: SkipPolicy;
  readonly store: KeyValueStore;
  /** Whether the key's state entry names its buffer's entries (shared-buffer.ts, LiveEntries). */
  readonly namesEntries: boolean;
  readonly ctx: OperatorContext;
  readonly alias: string;
  /** The cheap path (inert.ts): null when the pattern could notice any event. */
  readonly inert: InertTest | null;
}

function accept(run: Runner, record: StreamRecord): void {
  const wm = run.ctx.watermark();
  if (record.timestamp < wm) {
    run.ctx.deadLetter(record, "late-record", `event time ${record.timestamp} is behind the watermark ${wm}`);
    return;
  }
  // An event no step can take leaves the key's NFA as it is: no buffer, no timer, no state write;
  // with `prev`, it is still the previous event of the next one, so it waits for the watermark too.
  const inert = run.inert?.(record.value) === true;
  if (inert && !run.pattern.usesPrev) return;
  const tkey = encodeKey(record.key);
  const scope = keyScope(tkey);
  const st = (run.store.get(patternStateKey(scope)) as unknown as KeyState | undefined) ?? {
    q: 0,
    n: 0,
    p: [],
    h: [],
    b: [],
  };
  // `match once`: a key that has started and has nothing left open can never match again.
  if (st.o === 1 && st.p.length === 0 && st.h.length === 0) return;
  const ts = record.timestamp;
  const buffered: BufferedJson = inert
    ? [ts, st.q, record.value, originTuple(record.origin), 1]
    : [ts, st.q, record.value, originTuple(record.origin)];
  // After every buffered event of the same or an earlier time (usually: at the end).
  let i = st.b.length;
  while (i > 0 && (st.b[i - 1] as BufferedJson)[0] > ts) i--;
  const b = [...st.b.slice(0, i), buffered, ...st.b.slice(i)];
  run.store.put(patternStateKey(scope), { ...st, q: st.q + 1, b } as unknown as Value);
  run.ctx.timers.register(ts, tkey);
}

// Splits the key's buffered events at `limit`: those with timestamp <= limit, in (timestamp,
// sequence) order, as events for the NFA, and the rest, still waiting.
function takeBuffered(st: KeyState, limit: number): [PatternEvent[], BufferedJson[]] {
  const out: PatternEvent[] = [];
  let i = 0;
  for (; i < st.b.length; i++) {
    const [ts, seq, value, origin, inert] = st.b[i] as BufferedJson;
    if (ts > limit) break;
    out.push(
      inert === 1
        ? { seq, ts, value, origin: tupleOrigin(origin), inert: true }
        : { seq, ts, value, origin: tupleOrigin(origin) },
    );
  }
  return [out, st.b.slice(i)];
}

function fire(run: Runner, time: number, tkey: string): void {
  const scope = keyScope(tkey);
  const st = run.store.get(patternStateKey(scope)) as unknown as KeyState | undefined;
  if (st === undefined) return;
  const ending = run.ctx.watermark() >= END_OF_INPUT_TIME;
  let nextId = st.n;
  const buffer = new SharedBuffer(
    run.store,
    scope,
    () => nextId++,
    run.namesEntries ? liveEntries(st) : null,
  );
  const nfa = new KeyNfa(run.pattern, run.policy, buffer, run.alias, {
    partials: st.p,
    held: st.h,
    prev: st.r ?? null,
    started: st.o === 1,
  });
  const [due, waiting] = takeBuffered(st, ending ? END_OF_INPUT_TIME : time);
  for (const ev of due) nfa.process(ev);
  if (ending) nfa.finish();
  else nfa.advanceTime(time);
  const key = decodeKey(tkey);
  for (const takes of nfa.drain()) run.ctx.forward(matchRecord(run, key, takes));
  for (const t of nfa.drainTimeouts()) run.ctx.sideOutput?.(timeoutRecord(run, key, t));
  for (const m of nfa.drainMissed()) {
    run.ctx.deadLetter(missRecord(key, m.takes), "operator-error", missMessage(run, m));
  }
  const state = nfa.toJson();
  // Without `within`, nothing else wakes a key up at end of input to release its partial matches.
  // A key that keeps `prev` or the `match once` flag is woken at end of input to delete its entry.
  const bounded = run.pattern.withinMs !== null || run.pattern.gapMs !== null;
  const endTimer =
    state.held.length > 0 ||
    (!bounded && state.partials.length > 0) ||
    ((run.pattern.usesPrev || state.started) && !ending);
  scheduleTimers(run, tkey, time, nfa.endTimes(), endTimer);
  const idle = state.partials.length === 0 && state.held.length === 0;
  // The started flag of `match once` outlives the key's matches (it is the point); end of input drops it.
  const keep = run.pattern.usesPrev || state.started;
  if (idle && waiting.length === 0 && (ending || !keep)) {
    run.store.delete(patternStateKey(scope));
  } else {
    const live = buffer.live;
    const base: KeyState = { q: st.q, n: nextId, p: state.partials, h: state.held, b: waiting };
    // The names only where a store reads them (memory stores never do: no spread for them).
    const named: KeyState =
      live === null || idle ? base : { ...base, k: [...live.nodes], x: [...live.events] };
    const withPrev: KeyState = run.pattern.usesPrev ? { ...named, r: state.prev } : named;
    const next: KeyState = state.started ? { ...withPrev, o: 1 } : withPrev;
    run.store.put(patternStateKey(scope), next as unknown as Value);
  }
}

// The lists start empty for a key with no match; an older state with matches and no lists keeps none.
function liveEntries(st: KeyState): LiveEntries | null {
  if (st.k !== undefined && st.x !== undefined) return { nodes: new Set(st.k), events: new Set(st.x) };
  return st.p.length === 0 && st.h.length === 0 ? { nodes: new Set(), events: new Set() } : null;
}

function scheduleTimers(
  run: Runner,
  tkey: string,
  now: number,
  ends: readonly number[],
  atEnd: boolean,
): void {
  // A live partial match always ends after now (advanceTime pruned the others).
  for (const t of new Set(ends)) if (t > now) run.ctx.timers.register(t, tkey);
  if (atEnd) run.ctx.timers.register(END_OF_INPUT_TIME, tkey);
  else run.ctx.timers.cancel(END_OF_INPUT_TIME, tkey);
}

function matchRecord(run: Runner, key: string | null, takes: readonly Take[]): StreamRecord {
  const last = (takes[takes.length - 1] as Take).event;
  const names = run.pattern.steps.map((s) => s.name);
  return {
    key,
    value: outputEnv(run.pattern.stepNames, names, takes, run.alias),
    timestamp: last.ts,
    origin: last.origin,
    evidence: { kind: "events", events: takes.map((t) => t.event.origin) },
  };
}

/** A timed-out partial match for the timeout sink: like a match, but timestamped when it timed out. */
function timeoutRecord(run: Runner, key: string | null, t: TimedOut): StreamRecord {
  return { ...matchRecord(run, key, t.takes), timestamp: t.at };
}

/**
 * The record of a dead letter for a match `or fail` refused: the match's last event as the rule saw
 * it (what completed the match, and what `vigil dlq replay` re-drives, as for any operator error).
 */
function missRecord(key: string | null, takes: readonly Take[]): StreamRecord {
  const last = (takes[takes.length - 1] as Take).event;
  return { key, value: last.value, timestamp: last.ts, origin: last.origin };
}

/** The dead letter's message: rule, operator, target step, why, and the refused match's events. */
function missMessage(run: Runner, m: Missed): string {
  const skip = run.pattern.skip;
  if (skip.kind !== "skip-to-first" && skip.kind !== "skip-to-last") return "skip target missing";
  const which = skip.kind === "skip-to-first" ? "first" : "last";
  const first = (m.takes[0] as Take).event.ts;
  const last = (m.takes[m.takes.length - 1] as Take).event.ts;
  const why =
    m.miss === "no-event"
      ? `step '${skip.step}' took no event`
      : `the ${which} event of step '${skip.step}' is the match's own first event`;
  const events = m.takes
    .map(
      (t) =>
        `${run.pattern.steps[t.step]?.name ?? "?"}=${t.event.origin.topic}/${t.event.origin.partition}@${t.event.origin.offset}`,
    )
    .join(" ");
  return `rule ${run.ctx.rule}, pattern ${run.op}: skip to ${which} ${skip.step} or fail: ${why} in the match from ${first} to ${last} (${events}); the match is not emitted and the next one starts after its last event`;
}

// Operators stage (pattern, run): the NFA of one key, fed events in event-time order. Follows the
// design of Flink CEP's NFA (org.apache.flink.cep.nfa: NFACompiler / NFA / SharedBuffer /
// AfterMatchSkipStrategy) after the SASE paper: J. Agrawal, Y. Diao, D. Gyllstrom, N. Immerman,
// "Efficient Pattern Matching over Event Streams", SIGMOD 2008. Semantics: docs/patterns.md.
//
// A computational state (partial match) is a state id, the count taken by its last step, whether an
// event was ignored since the last take, its last node in the shared buffer and its start position.
// Per event: prune by `within`, advance every partial match along the enabled edges (branching), start
// new ones, then emit completed matches under the skip strategy. Everything here is JSON, so a key's
// NFA lives in the operator's store between events and survives checkpoints.

import type { Row } from "../../core/value.ts";
import {
  ACCEPT_NOW,
  type CompiledPattern,
  type CompiledStep,
  type Env,
  endsAfter,
  type GuardInput,
  type NfaState,
  type Predicate,
} from "./compile-nfa.ts";
import { conditionEnv, rowOf, type StepBindings, stepBindings } from "./env.ts";
import { compareKeys, type MatchKey, matchKey } from "./preference.ts";
import { NO_NODE, type PatternEvent, type SharedBuffer, type Take } from "./shared-buffer.ts";
import {
  admits,
  type Cursor,
  type Position,
  positionOf,
  type SkipMiss,
  type SkipPolicy,
} from "./skip/skip-policy.ts";

/** A partial match: state, count of its last step, fresh (0/1), last node, start time and sequence. */
export interface PartialJson {
  readonly s: number;
  readonly c: number;
  readonly f: 0 | 1;
  readonly n: number;
  readonly t: number;
  readonly q: number;
}

/** The persisted NFA of one key: partial matches and completed matches held back by the skip strategy. */
export interface NfaJson {
  readonly partials: readonly PartialJson[];
  /** Nodes of completed matches waiting for earlier-starting partial matches to resolve. */
  readonly held: readonly number[];
  /** The row of the last event fed (what `prev(x)` reads for the next one); null before any. */
  readonly prev: Row | null;
  /** `match once`: a partial match has started for this key, so no other event may start one. */
  readonly started: boolean;
}

/** A partial match that `within` ended before it completed: its takes, and the time it timed out. */
export interface TimedOut {
  readonly takes: readonly Take[];
  readonly at: number;
}

/** A match `skip to first/last X or fail` refused: its takes and why (SkipMiss). */
export interface Missed {
  readonly takes: readonly Take[];
  readonly miss: SkipMiss;
}

/** The NFA of one key for the duration of one batch of events; `toJson()` gives its state back. */
export class KeyNfa {
  private partials: PartialJson[];
  private held: number[];
  private prev: Row | null;
  private started: boolean;
  private readonly emitted: (readonly Take[])[] = [];
  private readonly timedOut: TimedOut[] = [];
  private readonly missed: Missed[] = [];
  private readonly names: readonly string[];
  private readonly pattern: CompiledPattern;
  private readonly policy: SkipPolicy;
  private readonly buffer: SharedBuffer;
  private readonly alias: string;

  constructor(
    pattern: CompiledPattern,
    policy: SkipPolicy,
    buffer: SharedBuffer,
    alias: string,
    state: NfaJson,
  ) {
    this.pattern = pattern;
    this.policy = policy;
    this.buffer = buffer;
    this.alias = alias;
    this.partials = [...state.partials];
    this.held = [...state.held];
    this.prev = state.prev;
    this.started = state.started;
    this.names = pattern.steps.map((s) => s.name);
  }

  /** Feeds the next event of the key (events must come in (timestamp, sequence) order). */
  process(ev: PatternEvent): void {
    if (ev.inert === true) {
      // The cheap path of a pattern that reads `prev`: the event changes nothing but `prev`.
      this.prev = rowOf(ev, this.alias);
      return;
    }
    this.advanceTime(ev.ts);
    const next: PartialJson[] = [];
    const completed: number[] = [];
    for (const p of this.partials) {
      const input = this.guardInput(p.c, p.f === 1, this.bindingsOf(p.n), ev);
      this.visit(p.s, p, input, ev, next, completed);
      this.buffer.release(p.n);
    }
    if (!(this.pattern.startOnce && this.started)) {
      const before = next.length + completed.length;
      const start: PartialJson = { s: this.pattern.start, c: 0, f: 1, n: NO_NODE, t: ev.ts, q: ev.seq };
      this.visit(start.s, start, this.guardInput(0, true, this.bindingsOf(NO_NODE), ev), ev, next, completed);
      if (this.pattern.startOnce && next.length + completed.length > before) this.started = true;
    }
    this.partials = next;
    this.prev = rowOf(ev, this.alias);
    this.complete(completed);
  }

  /** Event time reached `time`: partial matches past their bound are dropped, pending ones complete. */
  advanceTime(time: number): void {
    if (!this.bounded()) return;
    const completed: number[] = [];
    const expired: PartialJson[] = [];
    this.partials = this.partials.filter((p) => {
      if (time < this.endOf(p)) return true;
      if (this.waiting(p)) completed.push(p.n);
      else expired.push(p);
      return false;
    });
    this.timeOut(expired);
    this.complete(completed);
  }

  private bounded(): boolean {
    return this.pattern.withinMs !== null || this.pattern.gapMs !== null;
  }

  // When a live partial match ends: `within` after its first event, or the gap after its last take,
  // whichever comes first (infinite without either bound).
  private endOf(p: PartialJson): number {
    const w = this.pattern.withinMs;
    const g = this.pattern.gapMs;
    let end = w === null ? Number.POSITIVE_INFINITY : p.t + w;
    if (g !== null) {
      const takes = this.buffer.path(p.n);
      end = Math.min(end, (takes[takes.length - 1] as Take).event.ts + g);
    }
    return end;
  }

  /** End of input: no event will come, so pending matches complete and every other partial match ends. */
  finish(): void {
    const completed: number[] = [];
    const ended: PartialJson[] = [];
    for (const p of this.partials) {
      if (this.waiting(p)) completed.push(p.n);
      else ended.push(p);
    }
    this.partials = [];
    // No event can come: as in Flink (whose watermark then jumps to the end of time), every partial
    // match times out at its own end (first event + within, or last take + gap).
    this.timeOut(ended);
    this.complete(completed);
  }

  /** Matches refused by `skip to first/last X or fail` since the last drain, in decision order. */
  drainMissed(): Missed[] {
    return this.missed.splice(0);
  }

  /** Timed-out partial matches since the last drain, in (time, preference) order. */
  drainTimeouts(): TimedOut[] {
    return this.timedOut.splice(0);
  }

  // Releases partial matches that `within` ended; with `on timeout`, reports each distinct set of
  // takes once (branches of one partial match share their last node), unless those takes already
  // form a complete match (they were emitted, or are being decided by a trailing negation).
  private timeOut(expired: readonly PartialJson[]): void {
    if (this.pattern.timeouts && this.bounded() && expired.length > 0) {
      const seen = new Set<number>();
      const batch: { t: TimedOut; k: MatchKey }[] = [];
      for (const p of expired) {
        if (seen.has(p.n)) continue;
        seen.add(p.n);
        const takes = this.buffer.path(p.n);
        if (this.completes(takes)) continue;
        batch.push({ t: { takes, at: this.endOf(p) }, k: matchKey(takes) });
      }
      batch.sort((a, b) => a.t.at - b.t.at || compareKeys(a.k, b.k));
      for (const x of batch) this.timedOut.push(x.t);
    }
    for (const p of expired) this.buffer.release(p.n);
  }

  // True when the takes satisfy every step's minimum (the last step's count reached, later steps optional).
  private completes(takes: readonly Take[]): boolean {
    const last = (takes[takes.length - 1] as Take).step;
    const step = this.pattern.steps[last] as CompiledStep;
    let count = 0;
    for (const t of takes) if (t.step === last) count++;
    return count >= step.min && endsAfter(this.pattern.steps, last);
  }

  /** Matches emitted since the last drain, in emission order. */
  drain(): (readonly Take[])[] {
    return this.emitted.splice(0);
  }

  /** When each live partial match ends (for `within` / gap timers); empty without a bound. */
  endTimes(): number[] {
    return this.bounded() ? this.partials.map((p) => this.endOf(p)) : [];
  }

  toJson(): NfaJson {
    return { partials: this.partials, held: this.held, prev: this.prev, started: this.started };
  }

  private stateOf(p: PartialJson): NfaState {
    return this.pattern.states[p.s] as NfaState;
  }

  // A complete match waiting for its bound (trailing negation) or the next event (a longest loop, M7L):
  // the bound, or the end of input, completes it.
  private waiting(p: PartialJson): boolean {
    const kind = this.stateOf(p).kind;
    return kind === "pending" || kind === "decide";
  }

  private bindingsOf(node: number): StepBindings {
    const takes = node === NO_NODE ? [] : this.buffer.path(node);
    return stepBindings(this.pattern.stepNames, this.names, takes, this.alias);
  }

  private guardInput(count: number, fresh: boolean, b: StepBindings, ev: PatternEvent): GuardInput {
    const envs = new Map<string, Env>();
    const alias = this.alias;
    const prev = this.prev;
    return {
      count,
      fresh,
      holds(pred: Predicate | null, stepName: string): boolean {
        if (pred === null) return true;
        let env = envs.get(stepName);
        if (env === undefined) {
          env = conditionEnv(b, ev, stepName, alias, prev);
          envs.set(stepName, env);
        }
        return pred(env);
      },
    };
  }

  // Follows the enabled edges of `stateId` for `ev`, collecting the partial matches they lead to.
  private visit(
    stateId: number,
    p: PartialJson,
    input: GuardInput,
    ev: PatternEvent,
    next: PartialJson[],
    completed: number[],
  ): void {
    const st = this.pattern.states[stateId] as NfaState;
    for (const stop of st.stops) {
      if ((!stop.strict || input.fresh) && input.holds(stop.pred, stop.name)) return;
    }
    for (const edge of st.edges) {
      if (!edge.guard(input)) continue;
      if (edge.action === "proceed") {
        this.visit(edge.to, p, input, ev, next, completed);
      } else if (edge.action === "ignore") {
        this.buffer.retain(p.n);
        next.push({ s: edge.to, c: p.c, f: 0, n: p.n, t: p.t, q: p.q });
      } else if (edge.action === "complete") {
        this.buffer.retain(p.n);
        completed.push(p.n);
      } else {
        const target = this.pattern.states[edge.to] as NfaState;
        const node = this.buffer.take(ev, target.step, p.n);
        const count = edge.count === "next" ? p.c + 1 : 1;
        this.arrive(target, count, node, p, next, completed);
      }
    }
  }

  // A take landed in loop state `st` with `count`: keep it if it can go on, and complete or pend it.
  private arrive(
    st: NfaState,
    count: number,
    node: number,
    from: PartialJson,
    next: PartialJson[],
    completed: number[],
  ): void {
    const step = this.pattern.steps[st.step] as CompiledStep;
    if (count < step.max || st.edges.some((e) => e.action === "proceed")) {
      this.buffer.retain(node);
      next.push({ s: st.id, c: count, f: 1, n: node, t: from.t, q: from.q });
    }
    if (st.accept !== null && count >= step.min) {
      // A longest loop below its maximum could take the next event: the match waits for it (M7L).
      const accept = st.decide !== null && count < step.max ? st.decide : st.accept;
      this.buffer.retain(node);
      if (accept === ACCEPT_NOW) completed.push(node);
      else next.push({ s: accept, c: count, f: 1, n: node, t: from.t, q: from.q });
    }
    this.buffer.release(node); // the reference take() handed us
  }

  // Completed matches (each owning one reference to its node) are emitted or held per the skip strategy.
  private complete(nodes: number[]): void {
    if (nodes.length === 0 && (this.held.length === 0 || !this.policy.prunes)) return;
    if (!this.policy.prunes) {
      for (const n of this.sorted(nodes)) this.emit(n);
      return;
    }
    this.held = this.sorted([...this.held, ...nodes]);
    while (this.held.length > 0) {
      const h = this.held[0] as number;
      if (this.blocked(h)) return;
      this.held.shift();
      const takes = this.buffer.path(h);
      const cursor = this.emitOrMiss(h, takes);
      if (cursor === null) continue;
      this.partials = this.partials.filter((p) => {
        if (admits(cursor, { ts: p.t, seq: p.q })) return true;
        this.buffer.release(p.n);
        return false;
      });
      this.held = this.held.filter((n) => {
        if (admits(cursor, this.startOf(n))) return true;
        this.buffer.release(n);
        return false;
      });
    }
  }

  // A held match waits while a live partial match could still complete into an earlier match: one that
  // starts earlier, or (longest) one from the same start, which would end later and so be preferred.
  private blocked(h: number): boolean {
    const key = this.keyOf(h);
    const [ts, seq] = [key[0] as number, key[1] as number];
    const longest = this.pattern.longest;
    for (const p of this.partials) {
      if (this.waiting(p)) {
        if (compareKeys(this.keyOf(p.n), key) < 0) return true;
      } else if (p.t < ts || (p.t === ts && (p.q < seq || (longest && p.q === seq)))) {
        return true;
      }
    }
    return false;
  }

  // Emits a match and returns the strategy's cursor, or, when `or fail` refuses it, records the miss and
  // moves on as skip past last would: the next match starts after the refused match's last event.
  private emitOrMiss(node: number, takes: readonly Take[]): Cursor | null {
    const miss = this.policy.miss(takes, this.names);
    if (miss === null) {
      this.emit(node);
      return this.policy.cursor(takes, this.names);
    }
    this.missed.push({ takes, miss });
    this.buffer.release(node);
    return { pos: positionOf(takes[takes.length - 1] as Take), inclusive: false };
  }

  private emit(node: number): void {
    this.emitted.push(this.buffer.path(node));
    this.buffer.release(node);
  }

  private startOf(node: number): Position {
    const t = (this.buffer.path(node)[0] as Take).event;
    return { ts: t.ts, seq: t.seq };
  }

  private keyOf(node: number): MatchKey {
    return matchKey(this.buffer.path(node), this.pattern.longest);
  }

  private sorted(nodes: readonly number[]): number[] {
    const keyed = nodes.map((n) => ({ n, k: this.keyOf(n) }));
    keyed.sort((a, b) => compareKeys(a.k, b.k));
    return keyed.map((x) => x.n);
  }
}

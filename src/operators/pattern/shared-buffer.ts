// Operators stage (pattern, store): the shared buffer of one key, after SASE's shared match buffer and
// Flink CEP's SharedBuffer: each taken event is stored once, partial matches share their common prefixes.
//
// A partial match is a pointer to the node of its last take; a node is (event, step, previous node), so
// the takes of a match form an immutable linked list and branches share every node they have in common
// (node identity plays the role of Flink's Dewey version numbers). Nodes count the partial matches and
// child nodes that point at them, events count the nodes that hold them; at zero an entry is deleted.
import type { Origin } from "../../core/record.ts";
import type { Row, Value } from "../../core/value.ts";
import type { KeyValueStore } from "../../state/store.ts";
import { type OriginTuple, originTuple, tupleOrigin } from "../store-keys.ts";

/** An event of one key, with its arrival sequence number (ties on time keep arrival order). */
export interface PatternEvent {
  readonly seq: number;
  readonly ts: number;
  /** The record's environment (`StreamRecord.value`). */
  readonly value: Row;
  readonly origin: Origin;
  /** Buffered by the cheap path of a pattern that reads `prev`: it only updates `prev` (inert.ts). */
  readonly inert?: boolean;
}

/** One take of a match: the event and the index of the positive step that took it. */
export interface Take {
  readonly event: PatternEvent;
  readonly step: number;
}

type NodeJson = [seq: number, step: number, prev: number, refs: number];
type EventJson = [ts: number, value: Row, origin: OriginTuple, refs: number];

/** No node: the value of `prev` for a match's first take. */
export const NO_NODE = -1;

/** Store-key helpers under one key's scope. */
export function nodeKey(scope: string, id: number): string {
  return `${scope}p${id}`;
}

export function eventKey(scope: string, seq: number): string {
  return `${scope}e${seq}`;
}

/**
 * The entries a key's buffer holds: its live node ids and event sequence numbers. The key's state
 * entry lists them, so a state cache reads them by name instead of scanning the key's scope.
 */
export interface LiveEntries {
  readonly nodes: Set<number>;
  readonly events: Set<number>;
}

/** The entries under a pattern key's scope besides its state entry, from that entry's value (state-layout.ts). */
export function patternScopeEntries(scope: string, state: Value): readonly string[] | undefined {
  const st = state as { p?: readonly unknown[]; h?: readonly unknown[]; k?: number[]; x?: number[] };
  if (st.k === undefined || st.x === undefined) {
    // No lists: none are needed when the key has no match (no node, no event), else an older state.
    return st.p?.length === 0 && st.h?.length === 0 ? [] : undefined;
  }
  const out: string[] = [];
  for (const id of st.k) out.push(nodeKey(scope, id));
  for (const seq of st.x) out.push(eventKey(scope, seq));
  return out;
}

/** The shared buffer of one key over the operator's store; `nextId` allocates node ids. */
export class SharedBuffer {
  private readonly paths = new Map<number, readonly Take[]>();
  private readonly store: KeyValueStore;
  private readonly scope: string;
  private readonly nextId: () => number;
  /** Null for a state written before the lists existed: then they are not kept. */
  readonly live: LiveEntries | null;

  constructor(store: KeyValueStore, scope: string, nextId: () => number, live: LiveEntries | null) {
    this.store = store;
    this.scope = scope;
    this.nextId = nextId;
    this.live = live;
  }

  /** Appends a take of `event` by `step` after node `prev`; the caller owns the new node's one reference. */
  take(event: PatternEvent, step: number, prev: number): number {
    const id = this.nextId();
    const ek = eventKey(this.scope, event.seq);
    const stored = this.store.get(ek) as EventJson | undefined;
    const refs = stored === undefined ? 1 : stored[3] + 1;
    this.store.put(ek, [event.ts, event.value, originTuple(event.origin), refs]);
    if (prev !== NO_NODE) this.retain(prev);
    this.store.put(nodeKey(this.scope, id), [event.seq, step, prev, 1]);
    if (this.live !== null) {
      if (stored === undefined) this.live.events.add(event.seq);
      this.live.nodes.add(id);
    }
    return id;
  }

  retain(id: number): void {
    const k = nodeKey(this.scope, id);
    const n = this.node(id);
    this.store.put(k, [n[0], n[1], n[2], n[3] + 1]);
  }

  /** Drops one reference; a node nobody points at is deleted, releasing its predecessor and event. */
  release(id: number): void {
    let cur = id;
    while (cur !== NO_NODE) {
      const k = nodeKey(this.scope, cur);
      const n = this.node(cur);
      if (n[3] > 1) {
        this.store.put(k, [n[0], n[1], n[2], n[3] - 1]);
        return;
      }
      this.store.delete(k);
      this.live?.nodes.delete(cur);
      this.paths.delete(cur);
      this.releaseEvent(n[0]);
      cur = n[2];
    }
  }

  /** The takes from the match's first event to node `id`, in order (cached for this buffer's lifetime). */
  path(id: number): readonly Take[] {
    const cached = this.paths.get(id);
    if (cached !== undefined) return cached;
    const n = this.node(id);
    const prefix = n[2] === NO_NODE ? [] : this.path(n[2]);
    const e = this.store.get(eventKey(this.scope, n[0])) as EventJson | undefined;
    if (e === undefined) throw new Error(`pattern shared buffer: event ${n[0]} missing`);
    const event: PatternEvent = { seq: n[0], ts: e[0], value: e[1], origin: tupleOrigin(e[2]) };
    const out = [...prefix, { event, step: n[1] }];
    this.paths.set(id, out);
    return out;
  }

  private node(id: number): NodeJson {
    const n = this.store.get(nodeKey(this.scope, id)) as NodeJson | undefined;
    if (n === undefined) throw new Error(`pattern shared buffer: node ${id} missing`);
    return n;
  }

  private releaseEvent(seq: number): void {
    const k = eventKey(this.scope, seq);
    const e = this.store.get(k) as EventJson | undefined;
    if (e === undefined) return;
    if (e[3] > 1) this.store.put(k, [e[0], e[1], e[2], e[3] - 1]);
    else {
      this.store.delete(k);
      this.live?.events.delete(seq);
    }
  }
}

// Operators stage (pattern, compile): the NFA's states and their edges for a step layout
// (compile-nfa.ts): start, loop(i), again(i), enter(i,j), pending(i), decide(i); every guard is fixed here.
import type { Contiguity } from "../../plan/plan.ts";
import type { CompiledStep, Edge, GuardInput, Layout, NfaState, Stop } from "./nfa-types.ts";

/** Accept code of a loop state that completes a match immediately. */
export const ACCEPT_NOW = -1;

// Steps j > i reachable from step i by skipping only optional steps (i = -1: from the start).
function reachable(steps: readonly CompiledStep[], i: number): number[] {
  const out: number[] = [];
  for (let j = i + 1; j < steps.length; j++) {
    out.push(j);
    if ((steps[j] as CompiledStep).min > 0) break;
  }
  return out;
}

// True when every step after i is optional, so a match may end at step i.
export function endsAfter(steps: readonly CompiledStep[], i: number): boolean {
  return steps.slice(i + 1).every((s) => s.min === 0);
}

// Ignoring an event under a contiguity: strict never, relaxed only if the event would not be taken, any always.
function ignorable(contiguity: Contiguity, s: CompiledStep, g: GuardInput): boolean {
  if (contiguity === "strict") return false;
  return contiguity === "non-deterministic" || !g.holds(s.cond, s.name);
}

// The loop of step s could take the candidate now (count below max, condition, not stopped by until).
function loopTakes(s: CompiledStep, g: GuardInput): boolean {
  return g.count < s.max && g.holds(s.cond, s.name) && !untilHolds(s, g);
}

function untilHolds(s: CompiledStep, g: GuardInput): boolean {
  return s.until !== null && g.holds(s.until, s.name);
}

interface Ids {
  loop: number[];
  again: number[];
  pending: (number | null)[];
  decide: (number | null)[];
  enter: Map<string, number>;
  next: number;
}

function allocate(layout: Layout): Ids {
  const k = layout.positives.length;
  const ids: Ids = { loop: [], again: [], pending: [], decide: [], enter: new Map(), next: 1 };
  for (let i = 0; i < k; i++) {
    const s = layout.positives[i] as CompiledStep;
    ids.loop.push(ids.next++);
    ids.again.push(s.max === 1 ? -1 : ids.next++); // a single event never loops
    const trailing = (layout.negations[i] as Stop[][])[k] as Stop[];
    const ends = endsAfter(layout.positives, i);
    ids.pending.push(ends && trailing.length > 0 ? ids.next++ : null);
    ids.decide.push(ends && s.longest && s.max > 1 ? ids.next++ : null);
    for (const j of reachable(layout.positives, i)) ids.enter.set(`${i}>${j}`, ids.next++);
  }
  return ids;
}

export function buildStates(layout: Layout): NfaState[] {
  const steps = layout.positives;
  const ids = allocate(layout);
  const states: NfaState[] = [];
  const add = (s: NfaState) => {
    states[s.id] = s;
  };
  const startEdges: Edge[] = reachable(steps, -1).map((j) => {
    const s = steps[j] as CompiledStep;
    return {
      action: "take",
      to: ids.loop[j] as number,
      count: "first",
      guard: (g) => g.holds(s.cond, s.name) && !untilHolds(s, g),
    };
  });
  add({
    id: 0,
    kind: "start",
    step: -1,
    label: "start",
    edges: startEdges,
    stops: [],
    accept: null,
    decide: null,
  });
  for (let i = 0; i < steps.length; i++) {
    add(loopState(layout, ids, i));
    const again = ids.again[i] as number;
    if (again >= 0) add(againState(layout, ids, i));
    const pending = ids.pending[i] as number | null;
    if (pending !== null) add(pendingState(layout, i, pending));
    const decide = ids.decide[i] as number | null;
    if (decide !== null) add(decideState(layout, i, decide, pending));
    for (const j of reachable(steps, i)) add(enterState(layout, ids, i, j));
  }
  return states;
}

// loop(i): step i just took an event: loop again, commit to looping (ignore), or proceed to a later step.
function loopState(layout: Layout, ids: Ids, i: number): NfaState {
  const steps = layout.positives;
  const s = steps[i] as CompiledStep;
  const loop = ids.loop[i] as number;
  const again = ids.again[i] as number;
  const proceed: Edge[] = reachable(steps, i).map((j) => ({
    action: "proceed",
    to: ids.enter.get(`${i}>${j}`) as number,
    guard: (g) => g.count >= s.min && !(s.greedy && loopTakes(s, g)),
  }));
  const looping: Edge[] =
    again < 0
      ? []
      : [
          { action: "take", to: loop, count: "next", guard: (g) => loopTakes(s, g) },
          {
            action: "ignore",
            to: again,
            guard: (g) => g.count < s.max && !untilHolds(s, g) && ignorable(s.inner, s, g),
          },
        ];
  const accept = endsAfter(steps, i) ? ((ids.pending[i] as number | null) ?? ACCEPT_NOW) : null;
  return {
    id: loop,
    kind: "loop",
    step: i,
    label: `${s.name}:loop`,
    edges: [...looping, ...proceed],
    stops: [],
    accept,
    decide: ids.decide[i] as number | null,
  };
}

// again(i): committed to another iteration of step i after skipping events.
function againState(layout: Layout, ids: Ids, i: number): NfaState {
  const s = layout.positives[i] as CompiledStep;
  const again = ids.again[i] as number;
  const edges: Edge[] = [
    { action: "take", to: ids.loop[i] as number, count: "next", guard: (g) => loopTakes(s, g) },
    { action: "ignore", to: again, guard: (g) => !untilHolds(s, g) && ignorable(s.inner, s, g) },
  ];
  return {
    id: again,
    kind: "again",
    step: i,
    label: `${s.name}:again`,
    edges,
    stops: [],
    accept: null,
    decide: null,
  };
}

// pending(i): a complete match ending at step i, waiting out `within` under the trailing negations.
function pendingState(layout: Layout, i: number, id: number): NfaState {
  const s = layout.positives[i] as CompiledStep;
  const stops = (layout.negations[i] as Stop[][])[layout.positives.length] as Stop[];
  const edges: Edge[] = [{ action: "ignore", to: id, guard: () => true }];
  return {
    id,
    kind: "pending",
    step: i,
    label: `${s.name}:pending`,
    edges,
    stops,
    accept: null,
    decide: null,
  };
}

// decide(i): a match ending in the longest loop i waits for the next event (M7L): one the loop can
// take ends it (the loop's own branch takes it); any other completes it, or hands it to pending(i)
// with the trailing negations (checked on this event too: they are this state's stops).
function decideState(layout: Layout, i: number, id: number, pending: number | null): NfaState {
  const s = layout.positives[i] as CompiledStep;
  const stops = (layout.negations[i] as Stop[][])[layout.positives.length] as Stop[];
  const guard = (g: GuardInput) => !loopTakes(s, g);
  const edges: Edge[] = [
    pending === null ? { action: "complete", to: id, guard } : { action: "ignore", to: pending, guard },
  ];
  return { id, kind: "decide", step: i, label: `${s.name}:decide`, edges, stops, accept: null, decide: null };
}

function enterState(layout: Layout, ids: Ids, i: number, j: number): NfaState {
  const t = layout.positives[j] as CompiledStep;
  const id = ids.enter.get(`${i}>${j}`) as number;
  const strict = t.contiguity === "strict";
  return {
    id,
    kind: "enter",
    step: j,
    label: `${(layout.positives[i] as CompiledStep).name}>${t.name}`,
    edges: [
      {
        action: "take",
        to: ids.loop[j] as number,
        count: "first",
        guard: (g) => (!strict || g.fresh) && g.holds(t.cond, t.name) && !untilHolds(t, g),
      },
      { action: "ignore", to: id, guard: (g) => ignorable(t.contiguity, t, g) },
    ],
    stops: (layout.negations[i] as Stop[][])[j] as Stop[],
    accept: null,
    decide: null,
  };
}

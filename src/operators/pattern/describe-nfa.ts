// Operators stage (pattern, compile): a readable dump of a compiled NFA's states and edges.
import { ACCEPT_NOW, type CompiledPattern, type Edge, type NfaState } from "./compile-nfa.ts";

/** A readable dump of the states and edges (for tests and `explain`). */
export function describeNfa(p: CompiledPattern): string {
  const label = (id: number) => (p.states[id] as NfaState).label;
  return p.states
    .map((s) => {
      const edge = (e: Edge) => (e.action === "complete" ? "complete" : `${e.action}->${label(e.to)}`);
      const parts = [s.edges.map(edge).join(", ")];
      if (s.stops.length > 0) parts.push(`stops[${s.stops.map((x) => x.name).join(",")}]`);
      if (s.accept !== null) parts.push(s.accept === ACCEPT_NOW ? "accept" : `accept->${label(s.accept)}`);
      if (s.decide !== null) parts.push(`below max->${label(s.decide)}`);
      return `${s.label}: ${parts.filter((x) => x !== "").join(" ")}`;
    })
    .join("\n");
}

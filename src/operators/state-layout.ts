// Operators stage: which store entries an operator may read for one record key, for a bounded
// state cache to prefetch before a batch (docs/architecture.md, "State beyond memory"). It sits
// beside store-keys.ts, the layout it describes: one switch over the operator kinds, so a new
// operator or a new layout that forgets to say what it reads does not compile or fails its tests.
import type { PlanOp, WindowSpec } from "../plan/plan.ts";
import type { StateNeeds } from "../state/state-needs.ts";
import { patternScopeEntries } from "./pattern/shared-buffer.ts";
import { decodeKey, encodeKey, keyScope, patternStateKey } from "./store-keys.ts";

/** Adds to `needs` every entry `op` may read or scan while processing a record of `key` or its timers. */
export function addStateNeeds(op: PlanOp, key: string | null, needs: StateNeeds): void {
  switch (op.kind) {
    case "filter":
    case "rekey":
      return;
    case "window-aggregate": {
      const scope = keyScope(encodeKey(key));
      // Session windows keep one entry per session under the key's scope; the others one entry per key.
      if (op.window.kind === "session") needs.scope(op.store.name, scope);
      else needs.key(op.store.name, scope);
      return;
    }
    case "stream-join": {
      const scope = keyScope(encodeKey(key));
      needs.scope(op.store.name, `L${scope}`);
      needs.scope(op.store.name, `R${scope}`);
      return;
    }
    case "table-join":
      if (key !== null) needs.key(op.store.name, key);
      return;
    case "pattern": {
      // The key's state entry exists while the key has anything under its scope, and names what
      // (pattern-operator.ts, shared-buffer.ts).
      const scope = keyScope(encodeKey(key));
      needs.guardedScope(op.store.name, scope, patternStateKey(scope), patternScopeEntries);
      return;
    }
    default:
      unreachable(op);
  }
}

/** The record key a timer of `op` stands for (timer keys are the encoded record key, some with a one-letter tag). */
export function timerRecordKey(op: PlanOp, timerKey: string): string | null {
  switch (op.kind) {
    case "window-aggregate":
      return decodeKey(tagged(op.window) ? timerKey.slice(1) : timerKey);
    case "stream-join":
      return decodeKey(timerKey.slice(1));
    case "pattern":
      return decodeKey(timerKey);
    case "filter":
    case "rekey":
    case "table-join":
      throw new Error(`${op.name}: a ${op.kind} operator has no timers`);
    default:
      return unreachable(op);
  }
}

// Sliding windows tag their timers: emit or expire.
function tagged(window: WindowSpec): boolean {
  return window.kind === "sliding";
}

function unreachable(op: never): never {
  throw new Error(`unknown operator ${JSON.stringify(op)}`);
}

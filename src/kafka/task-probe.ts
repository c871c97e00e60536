// Kafka I/O stage: what an open task shows its observer on demand (a metrics scrape): live store
// entries, live partial matches of its pattern rules, its state folder. Nothing here runs per record.
import type { TaskStateStores } from "../state/store.ts";
import { taskStateDir } from "./task-state.ts";
import type { TaskLayout } from "./worker-layout.ts";
import type { TaskProbe } from "./worker-observer.ts";

/** Pattern rules of the layout and their store names (those this task group has a changelog for). */
function patternStores(layout: TaskLayout): [rule: string, store: string][] {
  const out: [string, string][] = [];
  for (const rule of layout.plan.rules) {
    for (const op of rule.ops) {
      if (op.kind === "pattern" && layout.changelogs.has(op.store.name)) out.push([rule.name, op.store.name]);
    }
  }
  return out;
}

/** A pattern key's state holds its partial matches in `p` (see pattern-operator.ts, KeyState). */
function partialsIn(value: unknown): number {
  if (typeof value !== "object" || value === null) return 0;
  const p = (value as { p?: unknown }).p;
  return Array.isArray(p) ? p.length : 0;
}

export function taskProbe(layout: TaskLayout, taskId: string, stores: TaskStateStores): TaskProbe {
  const names = [...layout.changelogs.keys()];
  const patterns = patternStores(layout);
  return {
    stateDir: layout.stateDir === undefined ? null : taskStateDir(layout.stateDir, layout.groupId, taskId),
    storeEntries() {
      const out: Record<string, number> = {};
      for (const name of names) out[name] = stores.store(name).size();
      return out;
    },
    partialMatches() {
      const out: Record<string, number> = {};
      for (const [rule, store] of patterns) {
        let n = 0;
        for (const [, v] of stores.store(store).entries()) n += partialsIn(v);
        out[rule] = (out[rule] ?? 0) + n;
      }
      return out;
    },
  };
}

// State stage: what a batch may read, gathered before it runs so a bounded cache can prefetch it.
// Operators name exact store keys (a key's one entry, a table row) and key scopes they scan.
import type { Value } from "../core/value.ts";

/**
 * The other entries under a guarded scope, named by its guard's value (present), or undefined when
 * the value does not list them: the scope is then scanned. Point reads cost a fifth of a scan.
 */
export type ScopeMembers = (scope: string, guardValue: Value) => readonly string[] | undefined;

/** The store entries a batch may read: exact keys and complete scopes, per store. */
export class StateNeeds {
  readonly keys = new Map<string, Set<string>>();
  readonly scopes = new Map<string, Set<string>>();

  /** The entry `key` of `store` (present or not). */
  key(store: string, key: string): void {
    let set = this.keys.get(store);
    if (set === undefined) {
      set = new Set();
      this.keys.set(store, set);
    }
    set.add(key);
  }

  /** Every entry of `store` whose key starts with `scope` (a length-prefixed key scope). */
  scope(store: string, scope: string): void {
    let set = this.scopes.get(store);
    if (set === undefined) {
      set = new Set();
      this.scopes.set(store, set);
    }
    set.add(scope);
  }

  /**
   * Every entry of `store` under `scope`, which its operator keeps only while the entry `guard`
   * (itself under the scope) exists: with the guard absent the scope is known empty, so a cache
   * reads the guard (one multi-get for all of them) and scans only the scopes whose guard exists;
   * with `members`, it reads the entries the guard names instead of scanning.
   */
  guardedScope(store: string, scope: string, guard: string, members?: ScopeMembers): void {
    this.key(store, guard);
    if (members !== undefined) this.members.set(store, members);
    let map = this.guarded.get(store);
    if (map === undefined) {
      map = new Map();
      this.guarded.set(store, map);
    }
    map.set(scope, guard);
  }

  /** Guarded scopes: store -> scope -> guard key. */
  readonly guarded = new Map<string, Map<string, string>>();
  /** How a store's guards name their scope's entries (one function per store). */
  readonly members = new Map<string, ScopeMembers>();

  /** A copy to add to (the sets are copied; the keys and scopes are shared strings). */
  copy(): StateNeeds {
    const c = new StateNeeds();
    for (const [store, set] of this.keys) c.keys.set(store, new Set(set));
    for (const [store, set] of this.scopes) c.scopes.set(store, new Set(set));
    for (const [store, map] of this.guarded) c.guarded.set(store, new Map(map));
    for (const [store, members] of this.members) c.members.set(store, members);
    return c;
  }

  get empty(): boolean {
    return this.keys.size === 0 && this.scopes.size === 0 && this.guarded.size === 0;
  }
}

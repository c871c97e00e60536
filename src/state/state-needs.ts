// State stage: what a batch may read, gathered before it runs so a bounded cache can prefetch it.
// Operators name exact store keys (a key's one entry, a table row) and key scopes they scan.

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
   * reads the guard (one multi-get for all of them) and scans only the scopes whose guard exists.
   */
  guardedScope(store: string, scope: string, guard: string): void {
    this.key(store, guard);
    let map = this.guarded.get(store);
    if (map === undefined) {
      map = new Map();
      this.guarded.set(store, map);
    }
    map.set(scope, guard);
  }

  /** Guarded scopes: store -> scope -> guard key. */
  readonly guarded = new Map<string, Map<string, string>>();

  get empty(): boolean {
    return this.keys.size === 0 && this.scopes.size === 0 && this.guarded.size === 0;
  }
}

// State stage: the key scopes a cached store holds complete in memory. Operators keep one record
// key's entries under one length-prefixed scope (`<len>:<key>|`, optionally after a one-letter tag),
// so the scope of an entry can be read off its key: for those, "is this key's scope complete?" is
// one hash lookup, not a search of a sorted index (that search was a tenth of a cached run's CPU).
// Any other prefix (a scan that faulted on an arbitrary range start) is kept in a sorted index, and
// the set stays prefix-free: at most one complete scope covers a key.
import { createSortedMap, type SortedMap } from "./sorted-map.ts";

/**
 * The length-prefixed scope `key` lies in (`[A-Z]?<len>:<len chars>|`), or undefined when the key
 * does not start with one. A canonical scope is its own scope; no canonical scope is a strict prefix
 * of another, since each ends where its length says.
 */
export function canonicalScopeOf(key: string): string | undefined {
  let i = 0;
  const first = key.charCodeAt(0);
  if (first >= 65 && first <= 90) i = 1; // a tag, as stream joins use for their two sides
  const digitsFrom = i;
  let len = 0;
  for (; i < key.length; i++) {
    const c = key.charCodeAt(i);
    if (c < 48 || c > 57) break;
    len = len * 10 + (c - 48);
  }
  if (i === digitsFrom || i - digitsFrom > 9 || key.charCodeAt(i) !== 58) return undefined;
  const end = i + 1 + len;
  if (key.charCodeAt(end) !== 124) return undefined;
  return end + 1 === key.length ? key : key.slice(0, end + 1);
}

export class CompleteScopes {
  private readonly canonical = new Set<string>();
  /** Complete scopes that are not canonical (rare: a faulted range scan's start). */
  private readonly other: SortedMap<undefined> = createSortedMap<undefined>();

  get size(): number {
    return this.canonical.size + this.other.size;
  }

  /** True when `key` lies in a complete scope. */
  covers(key: string): boolean {
    return this.covering(key) !== undefined;
  }

  /** The complete scope `key` lies in, if any. */
  covering(key: string): string | undefined {
    if (this.canonical.size !== 0) {
      const scope = canonicalScopeOf(key);
      if (scope !== undefined && this.canonical.has(scope)) return scope;
    }
    if (this.other.size === 0) return undefined;
    const scope = this.other.getPairOrNextLower(key)?.[0];
    return scope !== undefined && key.startsWith(scope) ? scope : undefined;
  }

  /**
   * Marks `scope` complete, dropping the narrower complete scopes inside it (returned, so their
   * memory can be released). The caller checks first that no complete scope covers `scope`.
   */
  add(scope: string): string[] {
    const inside: string[] = [];
    const pair: [string, undefined] = ["", undefined];
    for (let p = this.other.getPairOrNextHigher(scope, pair); p?.[0].startsWith(scope); ) {
      inside.push(p[0]);
      p = this.other.nextHigherPair(p[0], pair);
    }
    for (const narrower of inside) this.other.delete(narrower);
    if (canonicalScopeOf(scope) === scope) {
      this.canonical.add(scope);
    } else {
      // Canonical scopes inside a wider prefix: a linear pass, on a path that only faults take.
      for (const s of this.canonical) {
        if (s.startsWith(scope)) {
          this.canonical.delete(s);
          inside.push(s);
        }
      }
      this.other.set(scope, undefined);
    }
    return inside;
  }

  delete(scope: string): void {
    if (!this.canonical.delete(scope)) this.other.delete(scope);
  }

  /** Every complete scope. */
  *all(): IterableIterator<string> {
    yield* this.canonical;
    yield* this.other.keys();
  }

  clear(): void {
    this.canonical.clear();
    this.other.clear();
  }
}

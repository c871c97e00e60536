// State stage: the sorted in-memory map under every store (a B+ tree from `sorted-btree`).
// Keys are JS strings compared by UTF-16 code units, the order the store contract promises.
import btree from "sorted-btree";

// sorted-btree is CommonJS with `exports.default`: under Node's ESM interop the class is `.default`;
// a CommonJS caller (tsx compiling to CJS) gets the class itself. Accept both.
type BTreeClass = typeof btree.default;
const BTree: BTreeClass = (btree as { default?: BTreeClass }).default ?? (btree as unknown as BTreeClass);

/** A sorted map from string keys to V: O(log n) get/set/delete, ordered neighbour lookups. */
export type SortedMap<V> = InstanceType<typeof BTree<string, V>>;

/** Compares two keys by UTF-16 code units (the order of `<` on strings). */
export function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A new empty sorted map keyed by strings, e.g. `createSortedMap<number>().set("a", 1)`. */
export function createSortedMap<V>(): SortedMap<V> {
  return new BTree<string, V>(undefined, compareKeys);
}

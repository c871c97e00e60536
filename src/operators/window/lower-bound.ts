// Operators stage (windows): binary search over arrays kept in time order.

/** The index of the first item whose `at(item)` is >= x (items sorted by `at`, ascending). */
export function lowerBound<T>(items: readonly T[], x: number, at: (item: T) => number): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (at(items[mid] as T) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

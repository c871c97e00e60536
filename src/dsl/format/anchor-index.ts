// DSL front end, fmt: fast lookups over the output lines' anchors, so placing m comments on n lines
// costs O((n + m) log n) even when stream options were reordered (anchors not monotonic).

/** Queries over line anchors (-1: a synthetic line, never matched). */
export class AnchorIndex {
  private readonly size: number;
  /** Max-segment tree over anchors, leaves at [size, 2 * size). */
  private readonly tree: Int32Array;
  /** Indices of anchored lines, sorted by (anchor, index). */
  private readonly sorted: readonly number[];
  private readonly anchors: readonly number[];

  constructor(anchors: readonly number[]) {
    this.anchors = anchors;
    let size = 1;
    while (size < anchors.length) size *= 2;
    this.size = size;
    this.tree = new Int32Array(2 * size).fill(-1);
    anchors.forEach((a, i) => {
      this.tree[size + i] = a;
    });
    for (let i = size - 1; i >= 1; i--)
      this.tree[i] = Math.max(this.tree[2 * i] ?? -1, this.tree[2 * i + 1] ?? -1);
    this.sorted = anchors
      .map((a, i) => [a, i] as const)
      .filter(([a]) => a >= 0)
      .sort((x, y) => x[0] - y[0] || x[1] - y[1])
      .map(([, i]) => i);
  }

  /** The first line index >= `from` whose anchor is >= `offset`, or -1. */
  firstAtLeast(from: number, offset: number): number {
    return this.descend(1, 0, this.size, from, offset);
  }

  private descend(node: number, lo: number, hi: number, from: number, offset: number): number {
    if (hi <= from || (this.tree[node] ?? -1) < offset || offset < 0) return -1;
    if (hi - lo === 1) return lo < this.anchors.length ? lo : -1;
    const mid = (lo + hi) >> 1;
    const left = this.descend(2 * node, lo, mid, from, offset);
    return left >= 0 ? left : this.descend(2 * node + 1, mid, hi, from, offset);
  }

  /** The line with the greatest anchor <= `offset` (the last such line on ties), or -1. */
  lastAtMost(offset: number): number {
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.anchors[this.sorted[mid] ?? 0] ?? 0) <= offset) lo = mid + 1;
      else hi = mid;
    }
    return lo === 0 ? -1 : (this.sorted[lo - 1] ?? -1);
  }
}

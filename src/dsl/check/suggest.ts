// DSL checker: "did you mean" hints. Picks the closest candidate by edit distance, only when it is
// close enough to be a plausible typo (at most a third of the name's length, and at most 3 edits).

/** Levenshtein distance between `a` and `b`, or any value above `limit` once it must exceed it. */
export function editDistance(a: string, b: string, limit = Number.POSITIVE_INFINITY): number {
  let prev = new Uint32Array(b.length + 1);
  let cur = new Uint32Array(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      const v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > limit) return limit + 1;
    [prev, cur] = [cur, prev];
  }
  return prev[b.length]!;
}

/** `int` for `integer`, `ts` for `tsx`: one is a prefix of the other, both at least 2 characters. */
function isAbbreviation(a: string, b: string): boolean {
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  return short.length >= 2 && long.startsWith(short);
}

/** The closest plausible candidate, e.g. `closest("amout", ["amount", "ts"]) === "amount"`. */
export function closest(name: string, candidates: Iterable<string>): string | null {
  const limit = Math.min(3, Math.max(1, Math.floor(name.length / 3)));
  const lower = name.toLowerCase();
  let best: string | null = null;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const c of candidates) {
    if (c === name) continue;
    let d: number;
    if (c.length === name.length && c.toLowerCase() === lower) d = 0.5;
    else if (isAbbreviation(name, c)) d = 1;
    else if (Math.abs(c.length - name.length) > limit) continue;
    else d = editDistance(name, c, limit);
    if (d <= limit && d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

/** `did you mean `amount`?`, or a fallback hint listing a few candidates, or "". */
export function didYouMean(name: string, candidates: readonly string[], listWhat = "known names"): string {
  const c = closest(name, candidates);
  if (c !== null) return `did you mean \`${c}\`?`;
  if (candidates.length === 0) return "";
  const shown = candidates.slice(0, 8).map((x) => `\`${x}\``);
  return `${listWhat}: ${shown.join(", ")}${candidates.length > 8 ? ", ..." : ""}`;
}

// DSL checker: "did you mean" hints. Picks the closest candidate by edit distance, only when it is
// close enough to be a plausible typo (at most a third of the name's length, and at most 3 edits).

/** Levenshtein distance between `a` and `b`. */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur.push(Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost));
    }
    prev = cur;
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
  let best: string | null = null;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const c of candidates) {
    if (c === name) continue;
    const d =
      c.toLowerCase() === name.toLowerCase() ? 0.5 : isAbbreviation(name, c) ? 1 : editDistance(name, c);
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

// DSL front end, diagnostics: "did you mean" for keywords (`wher` -> `where`, `tumble` -> `tumbling`).
// Only close matches: at most one edit for short words, two for longer ones, or a prefix of 3+ letters.

function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur.push(Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost));
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}

/** The keyword `word` most likely stands for, e.g. `suggestWord("wher", ["where", "from"]) === "where"`. */
export function suggestWord(word: string, candidates: Iterable<string>): string | null {
  const w = word.toLowerCase();
  if (w.length > 30) return null;
  let best: string | null = null;
  let bestScore = Number.POSITIVE_INFINITY;
  for (const c of candidates) {
    if (c === word) continue;
    const d = distance(w, c);
    const prefix = w.length >= 3 && (c.startsWith(w) || w.startsWith(c));
    const score = prefix ? Math.min(d, 1) : d;
    const limit = c.length <= 4 ? 1 : 2;
    if (score <= limit && score < bestScore) {
      best = c;
      bestScore = score;
    }
  }
  return best;
}

/** `; did you mean \`x\`?` or the empty string. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const s = suggestWord(word, candidates);
  return s === null ? "" : `did you mean \`${s}\`?`;
}

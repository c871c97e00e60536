// Testing kit, test files: the time notations of `.vigil-test` files. `10:05` or `10:05:30.250` is a
// time of the file's `date`; `+90s` is after the previous input's time; `2026-03-01T10:05:00Z` and
// `2026-03-01` are absolute (UTC without a zone); a bare integer is epoch ms. In JSON values, `@<time>`
// outside a string is replaced by its epoch ms (`{ "at": @10:05 }`).

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Epoch ms of a `YYYY-MM-DD` day (UTC), or null. */
export function parseDate(text: string): number | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return null;
  const ms = Date.parse(`${text}T00:00:00Z`);
  return Number.isNaN(ms) ? null : ms;
}

/** A duration like `90s`, `10m`, `1h`, `250ms`, `2d`, in ms; null when it is not one. */
export function parseDuration(text: string): number | null {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(text);
  return m ? Number(m[1]) * UNIT_MS[m[2]!]! : null;
}

/**
 * A time in one of the notations above, in epoch ms; null when `text` is none of them.
 * `day` is the file's date (epoch ms of midnight), `previous` the last input's time (for `+`).
 */
export function parseTime(text: string, day: number, previous: number | null): number | null {
  if (/^-?\d+$/.test(text)) return Number(text);
  if (text.startsWith("+")) {
    const d = parseDuration(text.slice(1));
    return d === null ? null : (previous ?? day) + d;
  }
  const clock = /^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?$/.exec(text);
  if (clock) {
    const [, h, m, s, frac] = clock;
    if (Number(h) > 23 || Number(m) > 59 || Number(s ?? 0) > 59) return null;
    const ms = frac === undefined ? 0 : Number(frac.padEnd(3, "0"));
    return day + ((Number(h) * 60 + Number(m)) * 60 + Number(s ?? 0)) * 1_000 + ms;
  }
  const date = parseDate(text);
  if (date !== null) return date;
  if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/.test(text)) {
    const zoned = /([zZ]|[+-]\d\d:?\d\d)$/.test(text);
    const ms = Date.parse(zoned ? text : `${text}Z`);
    return Number.isNaN(ms) ? null : ms;
  }
  return null;
}

/** Replaces each `@<time>` outside JSON strings by its epoch ms; throws naming a bad time. */
export function expandTimes(json: string, day: number): string {
  let out = "";
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const c = json[i]!;
    if (inString) {
      out += c;
      if (c === "\\") out += json[++i] ?? "";
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    if (c !== "@") {
      out += c;
      continue;
    }
    const m = /^[^\s,}\]]+/.exec(json.slice(i + 1));
    const token = m ? m[0] : "";
    const ms = parseTime(token, day, null);
    if (ms === null)
      throw new Error(`bad time @${token} (write @10:05, @10:05:30, @2026-03-01 or @2026-03-01T10:05:00Z)`);
    out += String(ms);
    i += token.length;
  }
  return out;
}

// Core function catalogue, strings: case, length, substring tests and regular expressions.
// `matches` compiles each distinct pattern once and caches it (patterns are usually literals).

import { T } from "../schema.ts";
import type { Value } from "../value.ts";
import { asNumber, asString, strict } from "./define.ts";
import type { FunctionDef } from "./function-def.ts";

const REGEX_CACHE = new Map<string, RegExp | null>();
const REGEX_CACHE_LIMIT = 1024;

/** The compiled pattern, or null when it is not a valid regular expression (cached either way). */
export function cachedRegex(pattern: string): RegExp | null {
  const hit = REGEX_CACHE.get(pattern);
  if (hit !== undefined) return hit;
  let re: RegExp | null;
  try {
    re = new RegExp(pattern, "u");
  } catch {
    re = null;
  }
  if (REGEX_CACHE.size >= REGEX_CACHE_LIMIT) REGEX_CACHE.clear();
  REGEX_CACHE.set(pattern, re);
  return re;
}

function matches(s: Value, pattern: Value): Value {
  const re = cachedRegex(asString(pattern));
  return re === null ? null : re.test(asString(s));
}

function substring(s: Value, start: Value, len?: Value): Value {
  const str = asString(s);
  const from = Math.max(0, Math.trunc(asNumber(start)));
  return len === undefined ? str.slice(from) : str.slice(from, from + Math.max(0, Math.trunc(asNumber(len))));
}

export const STRING_FUNCTIONS: readonly FunctionDef[] = [
  strict("lower", [T.string], T.string, "lower(s): s in lower case", (s) => asString(s).toLowerCase()),
  strict("upper", [T.string], T.string, "upper(s): s in upper case", (s) => asString(s).toUpperCase()),
  strict("trim", [T.string], T.string, "trim(s): s without leading and trailing white space", (s) =>
    asString(s).trim(),
  ),
  strict(
    "length",
    [T.string],
    T.int,
    "length(s): the number of characters of s",
    (s) => [...asString(s)].length,
  ),
  strict("contains", [T.string, T.string], T.bool, "contains(s, part): true when part occurs in s", (s, p) =>
    asString(s).includes(asString(p)),
  ),
  strict(
    "starts_with",
    [T.string, T.string],
    T.bool,
    "starts_with(s, prefix): true when s begins with prefix",
    (s, p) => asString(s).startsWith(asString(p)),
  ),
  strict(
    "ends_with",
    [T.string, T.string],
    T.bool,
    "ends_with(s, suffix): true when s ends with suffix",
    (s, p) => asString(s).endsWith(asString(p)),
  ),
  strict(
    "matches",
    [T.string, T.string],
    T.bool,
    "matches(s, regex): true when the regular expression (JavaScript syntax, unanchored) finds a match in s",
    matches,
  ),
  strict(
    "substring",
    [T.string, T.int, T.int],
    T.string,
    "substring(s, start, len?): len characters of s from index start (0-based)",
    substring,
    { minArgs: 2 },
  ),
  strict(
    "concat",
    [T.any],
    T.string,
    "concat(a, b, ...): the arguments as strings, joined",
    (...xs) => xs.map((x) => (typeof x === "string" ? x : JSON.stringify(x))).join(""),
    { variadic: true },
  ),
];

// Eval stage: value comparison and equality with SQL null semantics. Numbers compare numerically,
// strings by UTF-16 code units, booleans false < true; records and arrays only compare for equality.
import type { Value } from "../core/value.ts";

/** Orders two non-null values: negative, zero or positive; null when they cannot be ordered (mixed kinds, records). */
export function compareValues(a: Value, b: Value): number | null {
  if (typeof a === "number" && typeof b === "number") return a < b ? -1 : a > b ? 1 : a === b ? 0 : null;
  if (typeof a === "string" && typeof b === "string") return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === "boolean" && typeof b === "boolean") return a === b ? 0 : a ? 1 : -1;
  return null;
}

/** Deep equality of two values (records by field, arrays by element). */
export function valuesEqual(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!valuesEqual(a[i] as Value, b[i] as Value)) return false;
    return true;
  }
  const ra = a as { readonly [f: string]: Value };
  const rb = b as { readonly [f: string]: Value };
  const ka = Object.keys(ra);
  if (ka.length !== Object.keys(rb).length) return false;
  for (const k of ka) if (!(k in rb) || !valuesEqual(ra[k] as Value, rb[k] as Value)) return false;
  return true;
}

/**
 * SQL comparison: null when either side is null (or the values cannot be ordered), else the boolean.
 * `=` and `!=` use deep equality so records and arrays compare too.
 */
export function sqlCompare(op: "=" | "!=" | "<" | "<=" | ">" | ">=", a: Value, b: Value): Value {
  if (a === null || b === null) return null;
  if (op === "=") return valuesEqual(a, b);
  if (op === "!=") return !valuesEqual(a, b);
  const c = compareValues(a, b);
  if (c === null) return null;
  switch (op) {
    case "<":
      return c < 0;
    case "<=":
      return c <= 0;
    case ">":
      return c > 0;
    case ">=":
      return c >= 0;
  }
}

// Core values: what a field holds at run time. Shared by the compiler (literals, params) and the runtime.
// Timestamps are epoch milliseconds (numbers); durations are milliseconds.

/** A runtime value: JSON-shaped, with timestamps as epoch-millisecond numbers. */
export type Value = null | boolean | number | string | readonly Value[] | { readonly [field: string]: Value };

/** A record's fields by name. */
export type Row = { readonly [field: string]: Value };

/** True when `v` is a plain record (not null, not an array). */
export function isRow(v: Value | undefined): v is Row {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

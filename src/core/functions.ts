// Core function catalogue: every scalar function of the DSL, with its signature (for the checker)
// and its implementation (for the runtime), in one place so the two cannot drift apart.
import type { FieldType } from "./schema.ts";
import type { Value } from "./value.ts";

export interface FunctionDef {
  readonly name: string;
  /** Parameter types; `any` accepts every type; `variadic` repeats the last parameter. */
  readonly params: readonly FieldType[];
  readonly variadic?: boolean;
  /** Result type given the argument types (e.g. `coalesce` returns its first argument's type). */
  readonly returns: (args: readonly FieldType[]) => FieldType;
  /** One line for the reference and hints. */
  readonly doc: string;
  /** Null in, null out, unless the function says otherwise (coalesce). */
  readonly impl: (...args: Value[]) => Value;
}

// The catalogue itself is filled in by src/core/functions/*.ts (string, math, time, geo, privacy).
export const FUNCTIONS: ReadonlyMap<string, FunctionDef> = new Map();

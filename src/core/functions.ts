// Core function catalogue: every scalar function of the DSL, with its signature (for the checker)
// and its implementation (for the runtime), in one place so the two cannot drift apart.
import { CHECK_FUNCTIONS } from "./functions/checks.ts";
import type { FunctionDef } from "./functions/function-def.ts";
import { GEO_FUNCTIONS } from "./functions/geo.ts";
import { MATH_FUNCTIONS } from "./functions/math.ts";
import { NULL_FUNCTIONS } from "./functions/null.ts";
import { PRIVACY_FUNCTIONS } from "./functions/privacy.ts";
import { STRING_FUNCTIONS } from "./functions/string.ts";
import { TIME_FUNCTIONS } from "./functions/time.ts";
import type { FieldType } from "./schema.ts";

export type { FunctionDef };

/** The catalogue, by canonical (lower-case) name, e.g. `FUNCTIONS.get("lower")!.impl("AB") === "ab"`. */
export const FUNCTIONS: ReadonlyMap<string, FunctionDef> = new Map(
  [
    ...STRING_FUNCTIONS,
    ...MATH_FUNCTIONS,
    ...TIME_FUNCTIONS,
    ...GEO_FUNCTIONS,
    ...PRIVACY_FUNCTIONS,
    ...NULL_FUNCTIONS,
    ...CHECK_FUNCTIONS,
  ].map((f) => [f.name, f]),
);

/** How many arguments `def` accepts: [min, max], max null when variadic. */
export function arity(def: FunctionDef): readonly [number, number | null] {
  const min = def.minArgs ?? def.params.length;
  return [min, def.variadic === true ? null : def.params.length];
}

/** The declared type of argument `i` (the last parameter repeats for variadic functions). */
export function paramType(def: FunctionDef, i: number): FieldType | undefined {
  return def.params[i] ?? (def.variadic === true ? def.params[def.params.length - 1] : undefined);
}

// Core function catalogue, nulls and conversions: coalesce (the one function that accepts null on
// purpose), and to_string / to_int / to_float (null when the value does not convert).

import { T } from "../schema.ts";
import type { Value } from "../value.ts";
import { firstKnown, strict } from "./define.ts";
import type { FunctionDef } from "./function-def.ts";

function toNumber(v: Value): number | null {
  if (typeof v === "number") return Number.isFinite(v) ? v : null;
  if (typeof v === "boolean") return v ? 1 : 0;
  if (typeof v === "string" && v.trim() !== "") {
    const n = Number(v);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

export const NULL_FUNCTIONS: readonly FunctionDef[] = [
  {
    name: "coalesce",
    params: [T.any],
    variadic: true,
    minArgs: 1,
    returns: firstKnown,
    handlesNull: true,
    doc: "coalesce(a, b, ...): the first argument that is not null (null when all are)",
    impl: (...xs) => xs.find((x) => x !== null && x !== undefined) ?? null,
  },
  strict(
    "to_string",
    [T.any],
    T.string,
    "to_string(x): x as text (strings unchanged, others as JSON)",
    (x) => (typeof x === "string" ? x : JSON.stringify(x)),
  ),
  strict("to_int", [T.any], T.int, "to_int(x): x as an integer, truncated (null when not a number)", (x) => {
    const n = toNumber(x);
    return n === null ? null : Math.trunc(n);
  }),
  strict("to_float", [T.any], T.float, "to_float(x): x as a number (null when not a number)", toNumber),
];

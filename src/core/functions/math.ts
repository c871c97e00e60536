// Core function catalogue, numbers: abs, rounding, scalar min/max, square root.
// Integer arguments stay integers where the result is exact (abs, min, max of ints).

import { T } from "../schema.ts";
import type { Value } from "../value.ts";
import { asNumber, nullSafe, numericResult, strict } from "./define.ts";
import type { FunctionDef } from "./function-def.ts";

function round(x: Value, digits?: Value): Value {
  const n = asNumber(x);
  const d = digits === undefined ? 0 : Math.trunc(asNumber(digits));
  const f = 10 ** d;
  // Half away from zero, the way people round money.
  return (Math.sign(n) * Math.round(Math.abs(n) * f + Number.EPSILON * f)) / f || 0;
}

export const MATH_FUNCTIONS: readonly FunctionDef[] = [
  {
    name: "abs",
    params: [T.float],
    returns: numericResult,
    doc: "abs(x): the absolute value of x",
    impl: nullSafe((x) => Math.abs(asNumber(x))),
  },
  {
    name: "round",
    params: [T.float, T.int],
    minArgs: 1,
    returns: (args) => (args.length >= 2 ? T.float : T.int),
    doc: "round(x, digits?): x rounded half away from zero to `digits` decimals (default 0)",
    impl: nullSafe(round),
  },
  strict("floor", [T.float], T.int, "floor(x): the largest integer <= x", (x) => Math.floor(asNumber(x))),
  strict("ceil", [T.float], T.int, "ceil(x): the smallest integer >= x", (x) => Math.ceil(asNumber(x))),
  strict("sqrt", [T.float], T.float, "sqrt(x): the square root of x (null for negative x)", (x) =>
    asNumber(x) < 0 ? null : Math.sqrt(asNumber(x)),
  ),
  {
    name: "min",
    params: [T.float],
    variadic: true,
    minArgs: 2,
    returns: numericResult,
    doc: "min(a, b, ...): the smallest argument (scalar; the window aggregate min is separate)",
    impl: nullSafe((...xs) => Math.min(...xs.map(asNumber))),
  },
  {
    name: "max",
    params: [T.float],
    variadic: true,
    minArgs: 2,
    returns: numericResult,
    doc: "max(a, b, ...): the largest argument (scalar; the window aggregate max is separate)",
    impl: nullSafe((...xs) => Math.max(...xs.map(asNumber))),
  },
];

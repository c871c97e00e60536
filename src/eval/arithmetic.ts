// Eval stage: arithmetic with SQL null semantics. Null in, null out; division or remainder by zero
// yields null (a rule never crashes a task on bad data); int division truncates toward zero.
import type { Value } from "../core/value.ts";

export type ArithmeticOp = "+" | "-" | "*" | "/" | "%";

/** Applies `op` to two values; `intResult` selects integer division for `/`. `+` also concatenates strings. */
export function arithmetic(op: ArithmeticOp, a: Value, b: Value, intResult: boolean): Value {
  if (typeof a !== "number" || typeof b !== "number") {
    if (op === "+" && typeof a === "string" && typeof b === "string") return a + b;
    return null;
  }
  switch (op) {
    case "+":
      return a + b;
    case "-":
      return a - b;
    case "*":
      return a * b;
    case "/":
      if (b === 0) return null;
      return intResult ? Math.trunc(a / b) : a / b;
    case "%":
      return b === 0 ? null : a % b;
  }
}

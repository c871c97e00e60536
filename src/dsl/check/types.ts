// DSL checker: type algebra. Promotion (int -> float), what can be compared with what, and the
// result types of operators. `any` (unknown after an error, or a function's open parameter) fits all.
import type { FieldType, RecordSchema } from "../../core/schema.ts";
import { T } from "../../core/schema.ts";

export function isNumeric(t: FieldType): boolean {
  return t.kind === "int" || t.kind === "float" || t.kind === "any";
}

/** True when a value of type `from` may be used where `to` is expected (int widens to float). */
export function assignable(from: FieldType, to: FieldType): boolean {
  if (from.kind === "any" || to.kind === "any") return true;
  if (from.kind === "int" && to.kind === "float") return true;
  if (from.kind === "array" && to.kind === "array") return assignable(from.of, to.of);
  if (from.kind === "record" && to.kind === "record") return true;
  return from.kind === to.kind;
}

/** True when `a` and `b` may be compared with `=`/`<`/... (numbers with numbers, else the same kind). */
export function comparable(a: FieldType, b: FieldType): boolean {
  if (a.kind === "any" || b.kind === "any") return true;
  if (isNumeric(a) && isNumeric(b)) return true;
  return a.kind === b.kind && a.kind !== "record" && a.kind !== "array";
}

/** Ordering (`<`, `between`) is defined for numbers, strings, timestamps and durations. */
export function ordered(t: FieldType): boolean {
  return ["int", "float", "string", "timestamp", "duration", "any"].includes(t.kind);
}

/** The common type of two numeric types: int when both are int. */
export function numericJoin(a: FieldType, b: FieldType): FieldType {
  if (a.kind === "any" || b.kind === "any") return a.kind === "any" ? (b.kind === "any" ? T.any : b) : a;
  return a.kind === "int" && b.kind === "int" ? T.int : T.float;
}

/** Result type of `a op b` for arithmetic `op`, or null when undefined for these types. */
export function arithmeticType(
  op: "+" | "-" | "*" | "/" | "%",
  a: FieldType,
  b: FieldType,
): FieldType | null {
  const k = `${a.kind} ${op} ${b.kind}`;
  if (a.kind === "any" && b.kind === "any") return T.any;
  switch (k) {
    case "timestamp - timestamp":
      return T.duration;
    case "timestamp + duration":
    case "timestamp - duration":
    case "duration + timestamp":
      return T.timestamp;
    case "duration + duration":
    case "duration - duration":
      return T.duration;
    case "duration / duration":
      return T.float;
  }
  if ((a.kind === "duration" && isNumeric(b)) || (b.kind === "duration" && isNumeric(a))) {
    return op === "*" || (op === "/" && a.kind === "duration") ? T.duration : null;
  }
  if (op === "+" && a.kind === "string" && b.kind === "string") return T.string;
  if (!isNumeric(a) || !isNumeric(b)) {
    if (a.kind === "any")
      return b.kind === "timestamp" || b.kind === "duration" || b.kind === "string" ? b : null;
    if (b.kind === "any")
      return a.kind === "timestamp" || a.kind === "duration" || a.kind === "string" ? a : null;
    return null;
  }
  return op === "/" ? T.float : numericJoin(a, b);
}

/** A record type over `schema`. */
export function recordOf(schema: RecordSchema): FieldType {
  return { kind: "record", schema };
}

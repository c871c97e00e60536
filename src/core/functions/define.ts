// Core function catalogue helpers: shared by the per-area catalogue files. Guarantees that every
// strict function returns null when any argument is null (null in, null out).

import type { FieldType } from "../schema.ts";
import type { Value } from "../value.ts";
import type { FunctionDef } from "./function-def.ts";

type Impl = (...args: Value[]) => Value;

/** Wraps `impl` so any null (or missing) argument gives null without calling it. */
export function nullSafe(impl: Impl): Impl {
  return (...args) => {
    for (const a of args) if (a === null || a === undefined) return null;
    return impl(...args);
  };
}

/** A strict (null in, null out) function with a fixed return type. */
export function strict(
  name: string,
  params: readonly FieldType[],
  ret: FieldType,
  doc: string,
  impl: Impl,
  extra: Partial<Pick<FunctionDef, "minArgs" | "variadic">> = {},
): FunctionDef {
  return { name, params, returns: () => ret, doc, impl: nullSafe(impl), ...extra };
}

/** The first argument type that is not `any`, or `any`. */
export function firstKnown(args: readonly FieldType[]): FieldType {
  return args.find((a) => a.kind !== "any") ?? { kind: "any" };
}

/** `int` when every argument is an int, otherwise `float` (numeric promotion). */
export function numericResult(args: readonly FieldType[]): FieldType {
  return args.length > 0 && args.every((a) => a.kind === "int") ? { kind: "int" } : { kind: "float" };
}

export function asNumber(v: Value): number {
  return typeof v === "number" ? v : Number(v);
}

export function asString(v: Value): string {
  return typeof v === "string" ? v : JSON.stringify(v);
}

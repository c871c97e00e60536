// Core schema model: the declared shape of a stream, table or output. Built by the checker,
// used by decoders (tolerant reader), the testing kit's arbitraries and the topology description.
import type { Value } from "./value.ts";

/** A field's type. `timestamp` values are epoch milliseconds at run time (ISO strings are accepted on input). */
export type FieldType =
  | { readonly kind: "string" }
  | { readonly kind: "int" }
  | { readonly kind: "float" }
  | { readonly kind: "bool" }
  | { readonly kind: "timestamp" }
  | { readonly kind: "duration" }
  | { readonly kind: "any" }
  | { readonly kind: "array"; readonly of: FieldType }
  | { readonly kind: "record"; readonly schema: RecordSchema };

export type FieldTypeKind = FieldType["kind"];

export interface FieldSchema {
  readonly name: string;
  readonly type: FieldType;
  /** `string?`: may be absent or null. */
  readonly optional: boolean;
  /** Value taken when the field is absent (implies optional). */
  readonly defaultValue?: Value;
}

export interface RecordSchema {
  readonly fields: readonly FieldSchema[];
}

export const T = {
  string: { kind: "string" },
  int: { kind: "int" },
  float: { kind: "float" },
  bool: { kind: "bool" },
  timestamp: { kind: "timestamp" },
  duration: { kind: "duration" },
  any: { kind: "any" },
} as const satisfies Record<string, FieldType>;

/** Prints a type the way the DSL spells it: `string`, `float?`, `array<string>`, `{ a: int }`. */
export function formatType(t: FieldType): string {
  switch (t.kind) {
    case "array":
      return `array<${formatType(t.of)}>`;
    case "record":
      return `{ ${t.schema.fields.map((f) => `${f.name}: ${formatType(f.type)}${f.optional ? "?" : ""}`).join(", ")} }`;
    default:
      return t.kind;
  }
}

export function findField(schema: RecordSchema, name: string): FieldSchema | undefined {
  return schema.fields.find((f) => f.name === name);
}

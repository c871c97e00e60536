// Core function catalogue: the shape of one function, apart from the catalogue that lists them,
// so each family file depends on the shape and the catalogue depends on the families (one way).
import type { FieldType } from "../schema.ts";
import type { Value } from "../value.ts";

export interface FunctionDef {
  readonly name: string;
  /** Parameter types; `any` accepts every type; `variadic` repeats the last parameter. */
  readonly params: readonly FieldType[];
  readonly variadic?: boolean;
  /** Fewest arguments accepted (trailing parameters beyond it are optional); default: params.length. */
  readonly minArgs?: number;
  /** Result type given the argument types (e.g. `coalesce` returns its first argument's type). */
  readonly returns: (args: readonly FieldType[]) => FieldType;
  /** One line for the reference and hints. */
  readonly doc: string;
  /** The function sees null arguments itself (coalesce, assert_true); all others are null in, null out. */
  readonly handlesNull?: true;
  /** Null in, null out, unless `handlesNull`. */
  readonly impl: (...args: Value[]) => Value;
}

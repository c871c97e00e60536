// DSL front end, AST: schema types as written in `schema { ... }`. Type names are not resolved here:
// `strng` parses as a NamedType and the checker reports it.
import type { Span } from "../span.ts";
import type { Ident } from "./common.ts";
import type { Expr } from "./expr.ts";

export type TypeExpr = NamedType | ArrayType | RecordType;

/** `string`, `int`, `float`, `bool`, `timestamp`, `duration`, `any` (checked by the checker). */
export interface NamedType {
  readonly kind: "NamedType";
  readonly name: string;
  readonly span: Span;
}

/** `array<string>`. */
export interface ArrayType {
  readonly kind: "ArrayType";
  readonly element: TypeExpr;
  readonly span: Span;
}

/** `{ a: string, b: int? }`: also the schema of a stream or table. */
export interface RecordType {
  readonly kind: "RecordType";
  readonly fields: readonly FieldDecl[];
  readonly span: Span;
}

/** `name: type`, `name: type?` (optional), `name: type = literal` (default; implies optional). */
export interface FieldDecl {
  readonly kind: "FieldDecl";
  readonly name: Ident;
  readonly type: TypeExpr;
  readonly optional: boolean;
  readonly defaultValue: Expr | null;
  readonly span: Span;
}

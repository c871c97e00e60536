// DSL front end, parser: schema types `{ a: string, b: int?, c: int = 5, d: { x: float }, e: array<string> }`.
import type { FieldDecl, RecordType, TypeExpr } from "../ast/index.ts";
import { type Cursor, MAX_DEPTH } from "./cursor.ts";
import { parseExpr } from "./expressions.ts";

/** Parses `{ field: type, ... }` (a trailing comma is allowed). */
export function parseRecordType(c: Cursor): RecordType {
  const start = c.expectPunct("{", "a schema is written `{ name: type, ... }`").span;
  if (c.depth >= MAX_DEPTH) c.fail("V1014", start, { max: MAX_DEPTH });
  c.depth++;
  try {
    const fields: FieldDecl[] = [];
    while (!c.isPunct("}")) {
      fields.push(parseFieldDecl(c));
      if (!c.eatPunct(",")) break;
    }
    c.expectPunct("}", "separate fields with `,` and close the schema with `}`");
    return { kind: "RecordType", fields, span: c.spanFrom(start) };
  } finally {
    c.depth--;
  }
}

function parseFieldDecl(c: Cursor): FieldDecl {
  const name = c.expectIdent("a field name");
  c.expectPunct(":", "a field is written `name: type`");
  const type = parseType(c);
  const optional = c.eatPunct("?");
  const defaultValue = c.eatPunct("=") ? parseExpr(c) : null;
  return { kind: "FieldDecl", name, type, optional, defaultValue, span: c.spanFrom(name.span) };
}

/** Parses a type: a name, `array<T>` or a record `{...}`. */
export function parseType(c: Cursor): TypeExpr {
  if (c.isPunct("{")) return parseRecordType(c);
  const t = c.token;
  if (t.kind !== "ident")
    return c.expected(
      "a type",
      "types: string, int, float, bool, timestamp, duration, any, array<T>, { ... }",
    );
  c.next();
  if (t.text === "array" && c.eatPunct("<")) {
    if (c.depth >= MAX_DEPTH) c.fail("V1014", t.span, { max: MAX_DEPTH });
    c.depth++;
    try {
      const element = parseType(c);
      c.expectPunct(">", "close the array type with `>`");
      return { kind: "ArrayType", element, span: c.spanFrom(t.span) };
    } finally {
      c.depth--;
    }
  }
  return { kind: "NamedType", name: t.text, span: t.span };
}

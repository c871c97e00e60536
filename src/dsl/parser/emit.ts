// DSL front end, parser: `emit [changes|final] to "topic" { name[: expr], ... }`, the output of a
// rule (and, after `on timeout`, of a pattern's timed-out partial matches).
import type { EmitClause, EmitField } from "../ast/index.ts";
import type { Cursor } from "./cursor.ts";
import { parseExpr } from "./expressions.ts";

export function parseEmit(c: Cursor): EmitClause {
  const start = c.expectWord("emit").span;
  const mode = c.eatWord("changes") ? "changes" : c.eatWord("final") ? "final" : null;
  c.expectWord("to", 'write `emit [changes|final] to "topic" { ... }`');
  const topic = c.expectString("an output topic in double quotes");
  c.expectPunct("{", "list the output fields in braces: `{ card_id, total: sum_amount }`");
  const fields: EmitField[] = [];
  while (!c.isPunct("}")) {
    const name = c.expectIdent("an output field name");
    if (c.isPunct(".") || c.isPunct("(")) {
      const field = c.isPunct(".") && c.peek(1).kind === "ident" ? c.peek(1).text : `${name.name}_value`;
      const example = c.isPunct(".") ? `${field}: ${name.name}.${field}` : `${field}: ${name.name}(...)`;
      c.expected("`:`, `,` or `}`", `an output field needs a name of its own, e.g. \`${example}\``);
    }
    const value = c.eatPunct(":") ? parseExpr(c) : null;
    fields.push({ kind: "EmitField", name, value, span: c.spanFrom(name.span) });
    if (!c.eatPunct(",")) break;
  }
  c.expectPunct("}", "separate output fields with `,` and close them with `}`");
  return { kind: "EmitClause", mode, topic, fields, span: c.spanFrom(start) };
}

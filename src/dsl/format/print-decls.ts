// DSL front end, fmt: declarations to anchored lines in the canonical layout (options in the order
// of the reference, one schema field per line, two-space indentation).
import type { Decl, FieldDecl, RecordType, StreamDecl, TableDecl } from "../ast/index.ts";
import { type LayoutContext, LINE_WIDTH, type Line, line } from "./lines.ts";
import { printExpr, printFieldType, printString, printType } from "./print-expr.ts";
import { printRule } from "./print-rule.ts";

/** The lines of one declaration. */
export function printDecl(d: Decl, ctx: LayoutContext): Line[] {
  switch (d.kind) {
    case "StreamDecl":
    case "TableDecl":
      return printSource(d, ctx);
    case "ParamDecl":
      return [line(0, `param ${d.name.name} = ${printExpr(d.value)}`, d.span.start)];
    case "IncludeDecl":
      return [line(0, `include ${printString(d.path)}`, d.span.start)];
    case "RuleDecl":
      return printRule(d, ctx);
    case "ErrorDecl":
      return [];
  }
}

function printSource(d: StreamDecl | TableDecl, ctx: LayoutContext): Line[] {
  const word = d.kind === "StreamDecl" ? "stream" : "table";
  const lines = [line(0, `${word} ${d.name.name} from topic ${printString(d.topic)}`, d.span.start)];
  if (d.key !== null) lines.push(line(1, `key ${d.key.name}`, d.key.span.start));
  if (d.format !== null) lines.push(line(1, `format ${d.format.name}`, d.format.span.start));
  if (d.schema !== null) lines.push(...printSchema(d.schema, ctx));
  const lateness = d.kind === "StreamDecl" ? d.lateness : null;
  const time = d.eventTime === null ? null : `event time ${d.eventTime.name}`;
  const late = lateness === null ? null : `lateness ${lateness.amount}${lateness.unit}`;
  const idleAfter = d.kind === "StreamDecl" ? d.idleAfter : null;
  const idle = idleAfter === null ? null : `idle after ${idleAfter.amount}${idleAfter.unit}`;
  const anchor = d.eventTime?.span.start ?? lateness?.span.start ?? idleAfter?.span.start ?? -1;
  if (time !== null || late !== null || idle !== null)
    lines.push(line(1, [time, late, idle].filter((x) => x !== null).join(", "), anchor));
  return lines;
}

/** Inline when it fits and holds no comment; otherwise one field per line. */
function printSchema(schema: RecordType, ctx: LayoutContext): Line[] {
  const inline = `schema ${printType(schema)}`;
  const hasComment = ctx.commentWithin(schema.span.start, schema.span.end);
  if (schema.fields.length === 0 || (!hasComment && 2 + inline.length <= LINE_WIDTH)) {
    return [line(1, inline, schema.span.start)];
  }
  return [
    line(1, "schema {", schema.span.start),
    ...schema.fields.map((f, i) => line(2, printField(f, i < schema.fields.length - 1), f.span.start)),
    line(1, "}", schema.span.end - 1),
  ];
}

function printField(f: FieldDecl, comma: boolean): string {
  return `${f.name.name}: ${printFieldType(f)}${comma ? "," : ""}`;
}

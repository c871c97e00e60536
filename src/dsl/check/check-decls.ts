// DSL checker: declarations. Turns `stream`, `table` and `param` declarations into the plan's
// declarations (schemas resolved, key and event-time fields verified, durations in ms).
import type { FieldSchema, FieldType, RecordSchema } from "../../core/schema.ts";
import { findField, formatType, T } from "../../core/schema.ts";
import type { Value } from "../../core/value.ts";
import type { ParamDecl, StreamDecl, TableDecl } from "../../plan/plan.ts";
import type * as ast from "../ast/index.ts";
import { checkTopic } from "./check-topic.ts";
import type { Reporter } from "./report.ts";
import { didYouMean } from "./suggest.ts";
import { assignable } from "./types.ts";

const NAMED_TYPES: Readonly<Record<string, FieldType>> = {
  string: T.string,
  int: T.int,
  float: T.float,
  bool: T.bool,
  timestamp: T.timestamp,
  duration: T.duration,
  any: T.any,
};

/** Resolves a written type; unknown names are reported and become `any`. */
export function checkType(t: ast.TypeExpr, rep: Reporter): FieldType {
  switch (t.kind) {
    case "NamedType": {
      const known = NAMED_TYPES[t.name];
      if (known !== undefined) return known;
      rep.report("V2008", t.span, { name: t.name }, didYouMean(t.name, Object.keys(NAMED_TYPES), "types"));
      return T.any;
    }
    case "ArrayType":
      return { kind: "array", of: checkType(t.element, rep) };
    case "RecordType":
      return { kind: "record", schema: checkSchema(t, rep) };
  }
}

/** Resolves a record type into a schema: field names unique, defaults constant and well typed. */
export function checkSchema(r: ast.RecordType, rep: Reporter): RecordSchema {
  const fields: FieldSchema[] = [];
  for (const f of r.fields) {
    const first = fields.find((x) => x.name === f.name.name);
    if (first !== undefined) {
      rep.report("V2006", f.name.span, { what: "field", name: f.name.name, first: "earlier in this schema" });
      continue;
    }
    const type = checkType(f.type, rep);
    if (f.defaultValue === null) {
      fields.push({ name: f.name.name, type, optional: f.optional });
      continue;
    }
    const c = constantValue(f.defaultValue, rep, `default value of \`${f.name.name}\``);
    if (c !== null && !assignable(c.type, type)) {
      rep.report("V2205", f.defaultValue.span, {
        field: f.name.name,
        expected: formatType(type),
        found: formatType(c.type),
      });
    }
    fields.push({ name: f.name.name, type, optional: true, defaultValue: c?.value ?? null });
  }
  return { fields };
}

/** The value of a constant literal (or `-` literal), or null (reported) when it is not one. */
export function constantValue(
  e: ast.Expr,
  rep: Reporter,
  what: string,
): { value: Value; type: FieldType } | null {
  switch (e.kind) {
    case "IntLit":
      return { value: e.value, type: T.int };
    case "FloatLit":
      return { value: e.value, type: T.float };
    case "StringLit":
      return { value: e.value, type: T.string };
    case "BoolLit":
      return { value: e.value, type: T.bool };
    case "NullLit":
      return { value: null, type: T.any };
    case "DurationLit":
      return { value: e.ms, type: T.duration };
    case "Unary":
      if (e.op === "-" && (e.operand.kind === "IntLit" || e.operand.kind === "FloatLit")) {
        return { value: -e.operand.value, type: e.operand.kind === "IntLit" ? T.int : T.float };
      }
      break;
    case "ErrorExpr":
      return null;
    default:
      break;
  }
  rep.report("V2104", e.span, { what }, "write a number, string, boolean, duration or null");
  return null;
}

function checkKeyField(
  key: ast.Ident | null,
  schema: RecordSchema,
  what: string,
  name: string,
  rep: Reporter,
): string | null {
  if (key === null) return null;
  if (findField(schema, key.name) === undefined && schema.fields.length > 0) {
    const hint = didYouMean(
      key.name,
      schema.fields.map((f) => f.name),
      "its fields",
    );
    rep.report("V2201", key.span, { field: key.name, what, name }, hint);
  }
  return key.name;
}

function checkTimeField(
  time: ast.Ident | null,
  schema: RecordSchema,
  what: string,
  name: string,
  rep: Reporter,
): string | null {
  if (time === null) return null;
  const f = findField(schema, time.name);
  if (f === undefined) {
    const hint = didYouMean(
      time.name,
      schema.fields.map((x) => x.name),
      "its fields",
    );
    rep.report("V2002", time.span, { field: time.name, where: `the schema of ${what} \`${name}\`` }, hint);
  } else if (f.type.kind !== "timestamp" && f.type.kind !== "any") {
    rep.report("V2202", time.span, { field: time.name, found: formatType(f.type) });
  }
  return time.name;
}

function checkFormat(format: ast.Ident | null, rep: Reporter): void {
  if (format !== null && format.name !== "json") rep.report("V2203", format.span, { format: format.name });
}

export function checkStreamDecl(d: ast.StreamDecl, rep: Reporter): StreamDecl {
  checkTopic(d.topic, rep);
  const schema = d.schema === null ? { fields: [] } : checkSchema(d.schema, rep);
  checkFormat(d.format, rep);
  const keyField = checkKeyField(d.key, schema, "stream", d.name.name, rep);
  const timeField = checkTimeField(d.eventTime, schema, "stream", d.name.name, rep);
  return {
    name: d.name.name,
    topic: d.topic.value,
    keyField,
    format: "json",
    schema,
    timeField,
    latenessMs: d.lateness?.ms ?? 0,
    ...(d.idleAfter !== null ? { idleAfterMs: d.idleAfter.ms } : {}),
  };
}

export function checkTableDecl(d: ast.TableDecl, rep: Reporter): TableDecl {
  checkTopic(d.topic, rep);
  const schema = d.schema === null ? { fields: [] } : checkSchema(d.schema, rep);
  checkFormat(d.format, rep);
  // A missing `key` is reported by the parser (V1013).
  const keyField = checkKeyField(d.key, schema, "table", d.name.name, rep) ?? "";
  const timeField = checkTimeField(d.eventTime, schema, "table", d.name.name, rep);
  return { name: d.name.name, topic: d.topic.value, keyField, format: "json", schema, timeField };
}

export function checkParamDecl(d: ast.ParamDecl, rep: Reporter): (ParamDecl & { type: FieldType }) | null {
  const c = constantValue(d.value, rep, `param \`${d.name.name}\``);
  if (c === null) return null;
  return { name: d.name.name, defaultValue: c.value, type: c.type };
}

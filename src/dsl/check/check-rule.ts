// DSL checker: one rule, clause by clause in the order records flow (from, joins, where,
// partition by, joins after it, window or match, emit). Each clause is checked in the scope the previous ones left.
import type { FieldSchema } from "../../core/schema.ts";
import { formatType } from "../../core/schema.ts";
import type { Expr } from "../../plan/expr.ts";
import type { Projection } from "../../plan/plan.ts";
import type * as ast from "../ast/index.ts";
import { checkCondition, checkExpr } from "./check-expr.ts";
import { checkStreamJoin, checkTableJoin } from "./check-join.ts";
import { checkMatch } from "./check-pattern.ts";
import { checkTopic } from "./check-topic.ts";
import { checkWindow } from "./check-window.ts";
import type { CheckedRule } from "./checked.ts";
import type { Reporter } from "./report.ts";
import type { Declarations, KeyInfo, RuleContext } from "./rule-context.ts";
import { row, sameField, unknownDeclHint } from "./rule-context.ts";
import type { Scope } from "./scope.ts";
import { inClause } from "./scope.ts";
import { didYouMean } from "./suggest.ts";

function startRule(
  r: ast.RuleDecl,
  from: ast.FromClause,
  decls: Declarations,
  rep: Reporter,
): RuleContext | null {
  const stream = decls.streams.get(from.stream.name);
  if (stream === undefined) {
    if (!decls.broken.has(from.stream.name)) {
      const hint = decls.tables.has(from.stream.name)
        ? `\`${from.stream.name}\` is a table: a rule reads a stream and may \`join table ${from.stream.name}\``
        : unknownDeclHint(decls, didYouMean(from.stream.name, [...decls.streams.keys()], "streams"));
      rep.report("V2003", from.stream.span, { name: from.stream.name }, hint);
    }
    return null;
  }
  const alias = from.alias?.name ?? stream.name;
  const key: KeyInfo | null =
    stream.keyField === null
      ? null
      : {
          exprs: [
            {
              kind: "field",
              path: [alias, stream.keyField],
              type: stream.schema.fields.find((f) => f.name === stream.keyField)?.type ?? { kind: "any" },
            },
          ],
          names: [stream.keyField],
        };
  const rows = new Map([[alias, row(alias, stream.schema, `stream \`${stream.name}\``)]]);
  const scope = {
    rows,
    bare: [alias],
    params: decls.params,
    pattern: null,
    hidden: new Map(),
    clause: "`where`",
  };
  return { decls, rep, ruleName: r.name.name, sourceAlias: alias, sourceStream: stream, scope, key, ops: [] };
}

function keyName(e: ast.Expr, i: number): string {
  if (e.kind === "NameRef") return e.name;
  if (e.kind === "FieldAccess") return e.field.name;
  return `key_${i + 1}`;
}

function checkPartition(ctx: RuleContext, p: ast.PartitionClause): void {
  const scope = inClause(ctx.scope, "`partition by`");
  const exprs = p.keys.map((k) => {
    const e = checkExpr(k, scope, ctx.rep);
    if (e.type.kind === "record" || e.type.kind === "array" || e.type.kind === "duration") {
      const args = {
        what: "a partition key",
        expected: "a string, number, bool or timestamp",
        found: formatType(e.type),
      };
      ctx.rep.report("V2101", k.span, args, "partition by one of its fields instead");
    }
    return e;
  });
  const names: string[] = [];
  p.keys.forEach((k, i) => {
    let n = keyName(k, i);
    while (names.includes(n)) n = `${n}_${i + 1}`;
    names.push(n);
  });
  const srcKey = ctx.sourceStream.keyField;
  // Elided only while the records are still keyed by the source key (a table join may have re-keyed them).
  const isSourceKey =
    !ctx.ops.some((op) => op.kind === "rekey" && !op.isSourceKey) &&
    exprs.length === 1 &&
    srcKey !== null &&
    sameField(exprs[0]!, { kind: "field", path: [ctx.sourceAlias, srcKey], type: { kind: "any" } });
  ctx.ops.push({ kind: "rekey", keys: exprs, isSourceKey, named: p.named?.value ?? null });
  ctx.key = { exprs, names };
}

function checkEmit(
  ctx: RuleContext,
  e: ast.EmitClause,
  from: Scope = ctx.scope,
  clause = "the output",
): { projection: Projection[]; fields: FieldSchema[] } {
  const scope = inClause(from, clause);
  const projection: Projection[] = [];
  const fields: FieldSchema[] = [];
  for (const f of e.fields) {
    const name = f.name.name;
    const value: ast.Expr = f.value ?? { kind: "NameRef", name, span: f.name.span };
    const expr = checkExpr(value, scope, ctx.rep);
    if (projection.some((p) => p.name === name)) {
      ctx.rep.report("V2601", f.name.span, { name });
      continue;
    }
    projection.push({ name, expr });
    fields.push({ name, type: expr.type, optional: mayBeNull(expr, scope) });
  }
  if (e.fields.length === 0) {
    ctx.rep.report(
      "V2204",
      e.span,
      { what: "rule", name: ctx.ruleName, missing: "output fields" },
      'list the fields of the alert: `emit to "alerts" { rule: "...", card_id, at: ts }`',
    );
  }
  return { projection, fields };
}

/** Conservative nullability of an output field: fields follow their schema, literals their value. */
function mayBeNull(e: Expr, scope: Scope): boolean {
  switch (e.kind) {
    case "literal":
      return e.value === null;
    case "param":
      return e.defaultValue === null;
    case "field":
      return fieldMayBeNull(e.path, scope);
    case "step-aggregate":
      return e.fn !== "count";
    case "binary":
    case "unary":
    case "in":
    case "between":
      return true;
    case "is-null":
      return false;
    case "call":
      return e.fn !== "coalesce" || e.args.every((a) => mayBeNull(a, scope));
  }
}

function fieldMayBeNull(path: readonly string[], scope: Scope): boolean {
  const r = scope.rows.get(path[0] ?? "");
  if (r === undefined || r.nullable === true) return true;
  let schema = r.schema;
  for (const name of path.slice(1)) {
    const f = schema.fields.find((x) => x.name === name);
    if (f === undefined || f.optional) return true;
    if (f.type.kind !== "record") return false;
    schema = f.type.schema;
  }
  return false;
}

/** Checks one rule; null when it cannot be lowered (errors were reported). */
export function checkRule(r: ast.RuleDecl, decls: Declarations, rep: Reporter): CheckedRule | null {
  if (r.from === null) return null;
  const ctx = startRule(r, r.from, decls, rep);
  if (ctx === null) return null;
  const checkJoin = (j: ast.JoinClause): void => {
    if (j.kind === "TableJoinClause") checkTableJoin(ctx, j);
    else checkStreamJoin(ctx, j);
  };
  for (const j of r.joins) checkJoin(j);
  if (r.where !== null) {
    const predicate = checkCondition(r.where.condition, inClause(ctx.scope, "`where`"), rep);
    ctx.ops.push({ kind: "filter", predicate, named: null });
  }
  if (r.partitionBy !== null) checkPartition(ctx, r.partitionBy);
  for (const j of r.joinsAfterPartition) checkJoin(j);
  const mode = r.emit?.mode ?? null;
  if (r.body?.kind === "WindowClause") checkWindow(ctx, r.body, mode);
  else if (r.body?.kind === "MatchClause")
    checkMatch(ctx, r.body, (e, scope) => {
      checkTopic(e.topic, rep);
      const { projection, fields } = checkEmit(ctx, e, scope, "the timeout output");
      return { topic: e.topic.value, projection, outputSchema: { fields } };
    });
  if (r.body?.kind !== "WindowClause" && mode === "final" && r.emit !== null)
    rep.report("V2304", r.emit.span, { mode });
  if (r.emit === null) return null;
  checkTopic(r.emit.topic, rep);
  const { projection, fields } = checkEmit(ctx, r.emit);
  return {
    name: r.name.name,
    span: r.span,
    source: { stream: ctx.sourceStream.name, alias: ctx.sourceAlias },
    ops: ctx.ops,
    sink: { topic: r.emit.topic.value, projection, outputSchema: { fields } },
  };
}

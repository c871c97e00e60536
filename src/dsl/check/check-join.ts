// DSL checker: joins. A stream-stream join must be co-partitioned: its `on` must equate the left
// side's key with an expression over the right side (that expression keys the right side). A table
// join looks the table up by the records' key (then the table's key field must be that key), or,
// with `on t.<key> = <expr>`, by any expression of the records, re-keying them by it when needed.
import { formatType, type RecordSchema, type FieldType as Type } from "../../core/schema.ts";
import { conjuncts, type Expr } from "../../plan/expr.ts";
import type * as ast from "../ast/index.ts";
import type { Span } from "../span.ts";
import { checkCondition } from "./check-expr.ts";
import type { RuleContext } from "./rule-context.ts";
import { bindingsOf, row, sameField, unknownDeclHint } from "./rule-context.ts";
import { inClause } from "./scope.ts";
import { didYouMean } from "./suggest.ts";

function claimAlias(ctx: RuleContext, alias: ast.Ident | null, fallback: ast.Ident): string | null {
  const name = alias?.name ?? fallback.name;
  if (ctx.scope.rows.has(name)) {
    const hint = "give it another name with `as`";
    ctx.rep.report(
      "V2006",
      (alias ?? fallback).span,
      { what: "binding", name, first: "by an earlier clause of this rule" },
      hint,
    );
    return null;
  }
  return name;
}

interface TableKey {
  readonly name: string;
  readonly type: Type | undefined;
}

/** `join table T` without `on`: T is looked up by the records' current key, which must be T's key field. */
function checkLookupByKey(ctx: RuleContext, j: ast.TableJoinClause, name: string, tableKey: TableKey): void {
  const keyed = ctx.key?.exprs.length === 1 ? { name: ctx.key.names[0]!, expr: ctx.key.exprs[0]! } : null;
  const rekeyed = ctx.ops.some((op) => op.kind === "rekey" && !op.isSourceKey);
  const hint = `join on a field of the records with \`join table ${name}${j.alias ? ` as ${j.alias.name}` : ""} on ${j.alias?.name ?? name}.${tableKey.name} = <field>\` (the records are re-keyed by it)`;
  if (keyed === null || keyed.name !== tableKey.name) {
    const by = keyed === null ? null : `\`${keyed.name}\``;
    const message =
      by === null
        ? `table \`${name}\` is looked up by key, but ${rekeyed ? "the records are" : `stream \`${ctx.sourceStream.name}\` is`} not keyed by one field`
        : rekeyed
          ? `table \`${name}\` is keyed by \`${tableKey.name}\` but the records are keyed by ${by} here`
          : `table \`${name}\` is keyed by \`${tableKey.name}\` but stream \`${ctx.sourceStream.name}\` is keyed by ${by}`;
    ctx.rep.report("V2501", j.table.span, { message }, hint);
    return;
  }
  reportKeyTypes(ctx, j.table.span, keyed.name, keyed.expr.type, name, tableKey);
}

function reportKeyTypes(
  ctx: RuleContext,
  span: Span,
  what: string,
  type: Type,
  table: string,
  key: TableKey,
): void {
  if (key.type === undefined || type.kind === "any" || key.type.kind === "any") return;
  if (formatType(type) === formatType(key.type)) return;
  const message = `key \`${what}\` is ${formatType(type)} in the stream but ${formatType(key.type)} in table \`${table}\``;
  ctx.rep.report("V2501", span, { message }, "");
}

/**
 * `join table T as t on t.<key> = <expr>`: T is looked up by the value of a stream expression. When
 * the records are not keyed by it already, a re-key by it goes before the join (like `partition by`).
 */
function checkLookupOn(
  ctx: RuleContext,
  on: ast.Expr,
  alias: string,
  table: { readonly name: string; readonly schema: RecordSchema },
  tableKey: TableKey,
): void {
  const scope = {
    ...ctx.scope,
    rows: new Map(ctx.scope.rows).set(alias, row(alias, table.schema, `table \`${table.name}\``)),
  };
  const cond = checkCondition(on, inClause(scope, "join `on`"), ctx.rep);
  if (cond.type.kind === "any") return;
  const keyRef: Expr = { kind: "field", path: [alias, tableKey.name], type: { kind: "any" } };
  const streamSide =
    cond.kind === "binary" && cond.op === "="
      ? [cond.right, cond.left].find((side, i) => {
          const other = i === 0 ? cond.left : cond.right;
          return sameField(other, keyRef) && !bindingsOf(side).has(alias);
        })
      : undefined;
  if (streamSide === undefined) {
    const message = `a table join's \`on\` must be one equality between the table's key \`${alias}.${tableKey.name}\` and an expression of the records`;
    ctx.rep.report(
      "V2501",
      on.span,
      { message },
      `write \`on ${alias}.${tableKey.name} = <field>\`, and put other conditions in \`where\``,
    );
    return;
  }
  reportKeyTypes(ctx, on.span, printKey(streamSide), streamSide.type, table.name, tableKey);
  const current = ctx.key?.exprs.length === 1 ? ctx.key.exprs[0]! : null;
  if (current !== null && sameField(current, streamSide)) return;
  ctx.ops.push({ kind: "rekey", keys: [streamSide], isSourceKey: false, named: null });
  ctx.key = { exprs: [streamSide], names: [printKey(streamSide)] };
}

/** A key's name for messages and output: a field's last name, else `key_1`. */
function printKey(e: Expr): string {
  return e.kind === "field" ? (e.path[e.path.length - 1] ?? "key_1") : "key_1";
}

export function checkTableJoin(ctx: RuleContext, j: ast.TableJoinClause): void {
  const table = ctx.decls.tables.get(j.table.name);
  if (table === undefined) {
    if (!ctx.decls.broken.has(j.table.name)) {
      const hint = ctx.decls.streams.has(j.table.name)
        ? `\`${j.table.name}\` is a stream: join it with \`join ${j.table.name} on ... within <duration>\``
        : unknownDeclHint(ctx.decls, didYouMean(j.table.name, [...ctx.decls.tables.keys()], "tables"));
      ctx.rep.report("V2004", j.table.span, { name: j.table.name }, hint);
    }
    return;
  }
  const alias = claimAlias(ctx, j.alias, j.table);
  if (alias === null) return;
  const tableKey = {
    name: table.keyField,
    type: table.schema.fields.find((f) => f.name === table.keyField)?.type,
  };
  if (j.on === null) checkLookupByKey(ctx, j, table.name, tableKey);
  else checkLookupOn(ctx, j.on, alias, table, tableKey);
  const rows = new Map(ctx.scope.rows);
  rows.set(alias, {
    ...row(alias, table.schema, `table \`${table.name}\``),
    nullable: j.joinType === "left",
  });
  ctx.scope = { ...ctx.scope, rows };
  ctx.ops.push({
    kind: "table-join",
    table: table.name,
    alias,
    joinType: j.joinType,
    named: j.named?.value ?? null,
  });
}

/** Splits `on` into the right side's key (equated with the left key) and the remaining condition. */
function splitOn(on: Expr, leftKey: Expr, right: string): { rightKey: Expr | null; rest: Expr[] } {
  const parts = conjuncts(on);
  for (const [i, c] of parts.entries()) {
    if (c.kind !== "binary" || c.op !== "=") continue;
    const pairs: [Expr, Expr][] = [
      [c.left, c.right],
      [c.right, c.left],
    ];
    for (const [l, r] of pairs) {
      const rb = bindingsOf(r);
      if (sameField(l, leftKey) && rb.size === 1 && rb.has(right)) {
        return { rightKey: r, rest: parts.filter((_, k) => k !== i) };
      }
    }
  }
  return { rightKey: null, rest: parts };
}

function reportNotCopartitioned(ctx: RuleContext, stream: string, alias: string, span: Span): void {
  const left = ctx.sourceStream.name;
  if (ctx.key === null) {
    const message = `the join with \`${stream}\` is not co-partitioned: stream \`${left}\` declares no \`key\``;
    const hint = `declare \`key <field>\` on stream \`${left}\` (a stream-stream join matches records with equal keys, and the left side must have one)`;
    ctx.rep.report("V2501", span, { message }, hint);
    return;
  }
  const k = ctx.key.names.join(", ");
  const message = `the join with \`${stream}\` is not co-partitioned: the left side is keyed by ${k}, and \`on\` does not equate that key with a field of \`${alias}\``;
  const hint = `add \`${alias}.<field> = ${ctx.key.names[0] ?? "<key>"}\` to \`on\` (a stream-stream join matches records with equal keys)`;
  ctx.rep.report("V2501", span, { message }, hint);
}

export function checkStreamJoin(ctx: RuleContext, j: ast.StreamJoinClause): void {
  const stream = ctx.decls.streams.get(j.stream.name);
  if (stream === undefined) {
    if (!ctx.decls.broken.has(j.stream.name)) {
      const hint = ctx.decls.tables.has(j.stream.name)
        ? `\`${j.stream.name}\` is a table: join it with \`join table ${j.stream.name}\``
        : unknownDeclHint(ctx.decls, didYouMean(j.stream.name, [...ctx.decls.streams.keys()], "streams"));
      ctx.rep.report("V2003", j.stream.span, { name: j.stream.name }, hint);
    }
    return;
  }
  const alias = claimAlias(ctx, j.alias, j.stream);
  if (alias === null) return;
  const rows = new Map(ctx.scope.rows);
  rows.set(alias, {
    ...row(alias, stream.schema, `stream \`${stream.name}\``),
    nullable: j.joinType === "left",
  });
  ctx.scope = { ...ctx.scope, rows };
  const on = checkCondition(j.on, inClause(ctx.scope, "join `on`"), ctx.rep);
  const leftKey = ctx.key?.exprs.length === 1 ? ctx.key.exprs[0]! : null;
  const split = leftKey === null ? { rightKey: null, rest: [on] } : splitOn(on, leftKey, alias);
  if (split.rightKey === null && on.type.kind !== "any") {
    reportNotCopartitioned(ctx, stream.name, alias, j.on.span);
  }
  if (j.within.ms <= 0)
    ctx.rep.report("V2106", j.within.span, { text: `${j.within.amount}${j.within.unit}` });
  const condition = split.rest.reduce<Expr | null>(
    (acc, c) => (acc === null ? c : { kind: "binary", op: "and", left: acc, right: c, type: c.type }),
    null,
  );
  ctx.ops.push({
    kind: "stream-join",
    right: { stream: stream.name, alias },
    rightKeys: split.rightKey === null ? [] : [split.rightKey],
    withinMs: j.within.ms,
    graceMs: j.grace?.ms ?? 0,
    condition,
    joinType: j.joinType,
    named: j.named?.value ?? null,
  });
}

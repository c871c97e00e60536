// DSL checker: joins. A stream-stream join must be co-partitioned: its `on` must equate the left
// side's key with an expression over the right side (that expression keys the right side). A table
// join looks the table up by the stream's key, so the table's key field must be the stream's key.
import { formatType } from "../../core/schema.ts";
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
  const key = ctx.sourceStream.keyField;
  const streamKeyType = ctx.sourceStream.schema.fields.find((f) => f.name === key)?.type;
  const tableKeyType = table.schema.fields.find((f) => f.name === table.keyField)?.type;
  if (key === null || key !== table.keyField) {
    const message =
      key === null
        ? `table \`${table.name}\` is looked up by key, but stream \`${ctx.sourceStream.name}\` is not keyed`
        : `table \`${table.name}\` is keyed by \`${table.keyField}\` but stream \`${ctx.sourceStream.name}\` is keyed by \`${key}\``;
    const hint = "a table join looks the table up by the stream's key: join a table keyed by the same field";
    ctx.rep.report("V2501", j.table.span, { message }, hint);
  } else if (streamKeyType && tableKeyType && formatType(streamKeyType) !== formatType(tableKeyType)) {
    const message = `key \`${key}\` is ${formatType(streamKeyType)} in the stream but ${formatType(tableKeyType)} in table \`${table.name}\``;
    ctx.rep.report("V2501", j.table.span, { message }, "");
  }
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

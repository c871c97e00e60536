// DSL checker: windows and aggregates. Validates window sizes (hopping advance <= size, at most
// 1000 windows per record), the aggregate list (known functions, argument types, unique names),
// builds the `$` row the aggregate emits, and checks `having` against that row only (aggregate
// names, group fields, window bounds).
import type { FieldSchema, FieldType } from "../../core/schema.ts";
import { formatType, T } from "../../core/schema.ts";
import type { AggregateFn, AggregateSpec, Projection, WindowSpec } from "../../plan/plan.ts";
import type * as ast from "../ast/index.ts";
import { WINDOW_AGGREGATES } from "./check-call.ts";
import { checkCondition, checkExpr } from "./check-expr.ts";
import type { RuleContext } from "./rule-context.ts";
import { row } from "./rule-context.ts";
import type { Scope } from "./scope.ts";
import { inClause } from "./scope.ts";
import { didYouMean } from "./suggest.ts";
import { isNumeric, numericJoin, ordered } from "./types.ts";

function positive(ctx: RuleContext, d: ast.DurationLit): number {
  if (d.ms <= 0) ctx.rep.report("V2106", d.span, { text: `${d.amount}${d.unit}` });
  return d.ms;
}

/** A record belongs to size/advance hopping windows; more than this per record is refused. */
const MAX_HOPS = 1000;

function windowSpec(ctx: RuleContext, w: ast.WindowKind): WindowSpec {
  switch (w.kind) {
    case "TumblingWindow":
      return { kind: "tumbling", sizeMs: positive(ctx, w.size) };
    case "SlidingWindow":
      return { kind: "sliding", sizeMs: positive(ctx, w.size) };
    case "SessionWindow":
      return { kind: "session", gapMs: positive(ctx, w.gap) };
    case "HoppingWindow": {
      const sizeMs = positive(ctx, w.size);
      const advanceMs = positive(ctx, w.advance);
      if (advanceMs > sizeMs) {
        const message = `a hopping window's advance (${w.advance.amount}${w.advance.unit}) is larger than its size (${w.size.amount}${w.size.unit})`;
        ctx.rep.report(
          "V2301",
          w.advance.span,
          { message },
          "records between windows would be dropped: make the advance at most the size, or use a tumbling window",
        );
      } else if (advanceMs > 0 && sizeMs / advanceMs > MAX_HOPS) {
        const windows = Math.ceil(sizeMs / advanceMs);
        ctx.rep.report("V2305", w.advance.span, {
          size: `${w.size.amount}${w.size.unit}`,
          advance: `${w.advance.amount}${w.advance.unit}`,
          windows: String(windows),
          max: String(MAX_HOPS),
        });
      }
      return { kind: "hopping", sizeMs, advanceMs };
    }
  }
}

function aggregateType(fn: AggregateFn, arg: FieldType): FieldType {
  switch (fn) {
    case "count":
    case "count_distinct":
      return T.int;
    case "avg":
    case "stddev":
      return T.float;
    case "sum":
      return numericJoin(arg, arg);
    default:
      return arg;
  }
}

function checkAggregate(ctx: RuleContext, item: ast.AggregateItem, scope: Scope): AggregateSpec | null {
  const e = item.expr;
  if (e.kind !== "Call" || !WINDOW_AGGREGATES.has(e.callee.name)) {
    const name = e.kind === "Call" ? e.callee.name : "expression";
    const hint =
      e.kind === "Call"
        ? didYouMean(name, [...WINDOW_AGGREGATES], "aggregates")
        : "aggregates: count, sum, avg, min, max, count(distinct x), first, last, stddev";
    ctx.rep.report("V2303", e.span, { name }, hint);
    return null;
  }
  const fn: AggregateFn =
    e.distinct && e.callee.name === "count" ? "count_distinct" : (e.callee.name as AggregateFn);
  const want = fn === "count" ? [0, 1] : [1, 1];
  if (e.args.length < want[0]! || e.args.length > want[1]!) {
    ctx.rep.report("V2103", e.span, {
      name: e.callee.name,
      expected: want[1] === 0 ? 0 : want.join(" to ").replace("1 to 1", "1"),
      found: e.args.length,
    });
    return null;
  }
  const arg = e.args[0] === undefined ? null : checkExpr(e.args[0], scope, ctx.rep);
  const argType = arg?.type ?? T.int;
  const numeric = fn === "sum" || fn === "avg" || fn === "stddev";
  if (
    arg !== null &&
    ((numeric && !isNumeric(argType)) || ((fn === "min" || fn === "max") && !ordered(argType)))
  ) {
    const what = `argument of \`${fn}\``;
    ctx.rep.report("V2101", e.args[0]!.span, {
      what,
      expected: numeric ? "a number" : "an ordered value",
      found: formatType(argType),
    });
  }
  return { name: item.name.name, fn, arg };
}

interface AggregateRow {
  readonly groupBy: readonly Projection[];
  readonly aggregates: readonly AggregateSpec[];
  /** The `$` row: group fields, aggregate names, key, window_start, window_end. */
  readonly fields: readonly FieldSchema[];
}

const BOUNDS: readonly FieldSchema[] = [
  { name: "key", type: T.string, optional: true },
  { name: "window_start", type: T.timestamp, optional: false },
  { name: "window_end", type: T.timestamp, optional: false },
];

/** Checks the aggregate list and builds the aggregate's output row. */
function aggregateRow(ctx: RuleContext, w: ast.WindowClause): AggregateRow {
  const aggScope = inClause(ctx.scope, "`aggregate`");
  const aggregates: AggregateSpec[] = [];
  const groupBy: Projection[] = (ctx.key?.exprs ?? []).map((expr, i) => ({ name: ctx.key!.names[i]!, expr }));
  const fields: FieldSchema[] = groupBy.map((g) => ({ name: g.name, type: g.expr.type, optional: false }));
  for (const item of w.aggregates) {
    const spec = checkAggregate(ctx, item, aggScope);
    const name = item.name.name;
    if (fields.some((f) => f.name === name) || BOUNDS.some((f) => f.name === name)) {
      const first = "as a group field, an earlier aggregate or a window bound";
      ctx.rep.report("V2006", item.name.span, { what: "output name", name, first });
      continue;
    }
    if (spec === null) {
      fields.push({ name, type: T.any, optional: true });
      continue;
    }
    aggregates.push(spec);
    const optional = spec.fn !== "count" && spec.fn !== "count_distinct";
    fields.push({ name, type: aggregateType(spec.fn, spec.arg?.type ?? T.int), optional });
  }
  return { groupBy, aggregates, fields: [...fields, ...BOUNDS] };
}

/** Names that were available before the window and are not any more (for a precise message). */
function hiddenAfterWindow(ctx: RuleContext, fields: readonly FieldSchema[]): Map<string, string> {
  const hidden = new Map<string, string>();
  for (const [name, r] of ctx.scope.rows) {
    hidden.set(name, "the window aggregate");
    if (!ctx.scope.bare.includes(name)) continue;
    for (const f of r.schema.fields) {
      if (!fields.some((x) => x.name === f.name)) hidden.set(f.name, "the window aggregate");
    }
  }
  return hidden;
}

/** Checks `window ... aggregate ... having ...` and switches the scope to the aggregate's `$` row. */
export function checkWindow(
  ctx: RuleContext,
  w: ast.WindowClause,
  emitMode: "final" | "changes" | null,
): void {
  const window = windowSpec(ctx, w.window);
  const { groupBy, aggregates, fields } = aggregateRow(ctx, w);
  ctx.scope = {
    rows: new Map([["$", row("$", { fields }, "the window aggregate")]]),
    bare: ["$"],
    params: ctx.scope.params,
    pattern: null,
    hidden: hiddenAfterWindow(ctx, fields),
    clause: "`having`",
  };
  const having = w.having === null ? null : checkCondition(w.having, ctx.scope, ctx.rep);
  ctx.ops.push({
    kind: "window-aggregate",
    groupBy,
    window,
    graceMs: w.grace?.ms ?? 0,
    aggregates,
    having,
    emit: emitMode ?? "final",
    named: w.named?.value ?? null,
  });
}

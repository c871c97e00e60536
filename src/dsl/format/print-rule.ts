// DSL front end, fmt: a rule to anchored lines: one clause per line at indent 1, pattern steps after
// the first on their own lines at indent 2, lists (aggregates, emit fields) wrapped one item per
// line when they do not fit.
import type {
  AggregateItem,
  EmitClause,
  Expr,
  JoinClause,
  MatchClause,
  PatternStep,
  Quantifier,
  RuleDecl,
  SkipClause,
  StringLit,
  WindowClause,
  WindowKind,
} from "../ast/index.ts";
import { type LayoutContext, LINE_WIDTH, type Line, line } from "./lines.ts";
import { printExpr, printString, splitChain } from "./print-expr.ts";

/** The lines of one rule. */
export function printRule(r: RuleDecl, ctx: LayoutContext): Line[] {
  const lines = [line(0, `rule ${r.name.name}`, r.span.start)];
  if (r.from !== null) {
    const alias = r.from.alias === null ? "" : ` as ${r.from.alias.name}`;
    lines.push(line(1, `from ${r.from.stream.name}${alias}`, r.from.span.start));
  }
  for (const j of r.joins) lines.push(line(1, printJoin(j), j.span.start));
  if (r.where !== null)
    lines.push(...conditionLines(1, "where ", r.where.condition, "", r.where.span.start, 2));
  if (r.partitionBy !== null) {
    const p = r.partitionBy;
    lines.push(
      line(1, `partition by ${p.keys.map((k) => printExpr(k)).join(", ")}${named(p.named)}`, p.span.start),
    );
  }
  for (const j of r.joinsAfterPartition) lines.push(line(1, printJoin(j), j.span.start));
  if (r.body?.kind === "WindowClause") lines.push(...printWindow(r.body));
  if (r.body?.kind === "MatchClause") lines.push(...printMatch(r.body, ctx));
  if (r.emit !== null) lines.push(...printEmit(r.emit, ctx));
  return lines;
}

function named(n: StringLit | null): string {
  return n === null ? "" : ` named ${printString(n)}`;
}

function printJoin(j: JoinClause): string {
  const left = j.joinType === "left" ? "left " : "";
  const alias = j.alias === null ? "" : ` as ${j.alias.name}`;
  if (j.kind === "TableJoinClause") {
    const on = j.on === null ? "" : ` on ${printExpr(j.on)}`;
    return `${left}join table ${j.table.name}${alias}${on}${named(j.named)}`;
  }
  const grace = j.grace === null ? "" : ` grace ${duration(j.grace)}`;
  return `${left}join ${j.stream.name}${alias} on ${printExpr(j.on)} within ${duration(j.within)}${grace}${named(j.named)}`;
}

function duration(d: { readonly amount: number; readonly unit: string }): string {
  return `${d.amount}${d.unit}`;
}

function printWindowKind(w: WindowKind): string {
  switch (w.kind) {
    case "TumblingWindow":
      return `tumbling ${duration(w.size)}`;
    case "SlidingWindow":
      return `sliding ${duration(w.size)}`;
    case "HoppingWindow":
      return `hopping ${duration(w.size)} advance ${duration(w.advance)}`;
    case "SessionWindow":
      return `session gap ${duration(w.gap)}`;
  }
}

function printWindow(w: WindowClause): Line[] {
  const grace = w.grace === null ? "" : ` grace ${duration(w.grace)}`;
  const lines = [line(1, `window ${printWindowKind(w.window)}${grace}${named(w.named)}`, w.span.start)];
  lines.push(...wrapList("aggregate", w.aggregates.map(printAggregate), w.aggregates));
  if (w.having !== null) lines.push(...conditionLines(1, "having ", w.having, "", w.having.span.start, 2));
  return lines;
}

function printAggregate(a: AggregateItem): string {
  return `${printExpr(a.expr)} as ${a.name.name}`;
}

/** `head item, item` on one line at indent 1, or `head` then one item per line at indent 2. */
function wrapList(
  head: string,
  items: readonly string[],
  nodes: readonly { span: { start: number } }[],
): Line[] {
  const inline = `${head} ${items.join(", ")}`;
  if (2 + inline.length <= LINE_WIDTH || items.length < 2)
    return [line(1, inline, nodes[0]?.span.start ?? -1)];
  // The head's keyword has no span of its own: each item anchors its own line.
  const lines = [line(1, head, -1)];
  items.forEach((item, i) => {
    lines.push(line(2, `${item}${i < items.length - 1 ? "," : ""}`, nodes[i]?.span.start ?? -1));
  });
  return lines;
}

function printMatch(m: MatchClause, ctx: LayoutContext): Line[] {
  const [first, ...rest] = m.steps;
  const lines =
    first === undefined
      ? [line(1, "match", m.span.start)]
      : stepLines(1, m.once ? "match once " : "match ", first, m.span.start);
  for (const s of rest) lines.push(...stepLines(2, "", s, s.span.start));
  if (m.within !== null) lines.push(line(1, `within ${duration(m.within)}`, m.within.span.start));
  if (m.gap !== null) lines.push(line(1, `within ${duration(m.gap)} between steps`, m.gap.span.start));
  if (m.skip !== null) lines.push(line(1, printSkip(m.skip), m.skip.span.start));
  if (m.named !== null) lines.push(line(1, `named ${printString(m.named)}`, m.named.span.start));
  if (m.onTimeout !== null) lines.push(...printEmit(m.onTimeout, ctx, "on timeout "));
  return lines;
}

const CONNECTOR = { strict: "next", relaxed: "->", "non-deterministic": "->>" } as const;
const NEGATED = {
  strict: "not next",
  relaxed: "not followed by",
  "non-deterministic": "not followed by any",
} as const;

function stepLines(indent: number, prefix: string, s: PatternStep, anchor: number): Line[] {
  const conn = s.connector === null ? "" : `${(s.negated ? NEGATED : CONNECTOR)[s.connector]} `;
  const head = `${prefix}${conn}${s.name.name}${printQuantifier(s.quantifier)}: `;
  const until = s.until === null ? "" : ` until ${printExpr(s.until)}`;
  if (s.condition === null) return [line(indent, `${head}any${until}`, anchor)];
  return conditionLines(indent, head, s.condition, until, anchor, 3);
}

/**
 * `prefix condition suffix` on one line when it fits; otherwise a top-level `and`/`or` chain is
 * broken before each operator, continuation lines at `contIndent`, each anchored at its operand.
 */
function conditionLines(
  indent: number,
  prefix: string,
  e: Expr,
  suffix: string,
  anchor: number,
  contIndent: number,
): Line[] {
  const text = `${prefix}${printExpr(e)}${suffix}`;
  const chain = splitChain(e);
  if (2 * indent + text.length <= LINE_WIDTH || chain === null) return [line(indent, text, anchor)];
  const operands = chainOperands(e, chain.op);
  const [first, ...rest] = chain.parts;
  const lines = [line(indent, `${prefix}${first ?? ""}`, anchor)];
  rest.forEach((part, i) => {
    const last = i === rest.length - 1 ? suffix : "";
    lines.push(line(contIndent, `${chain.op} ${part}${last}`, operands[i + 1]?.span.start ?? -1));
  });
  return lines;
}

function chainOperands(e: Expr, op: "and" | "or"): Expr[] {
  const out: Expr[] = [];
  let cur = e;
  while (cur.kind === "Binary" && cur.op === op) {
    out.unshift(cur.right);
    cur = cur.left;
  }
  out.unshift(cur);
  return out;
}

function printQuantifier(q: Quantifier | null): string {
  if (q === null) return "";
  const shapes = {
    exact: `{${q.min}}`,
    range: `{${q.min},${q.max}}`,
    "at-least": `{${q.min},}`,
    plus: "+",
    star: "*",
    optional: "?",
  };
  const greedy = `${q.greedy ? " greedy" : ""}${q.longest ? " longest" : ""}`;
  const inner =
    q.inner === "strict" ? " consecutive" : q.inner === "non-deterministic" ? " combinations" : "";
  return `${shapes[q.form]}${greedy}${inner}`;
}

function printSkip(s: SkipClause): string {
  switch (s.strategy) {
    case "no-skip":
      return "no skip";
    case "skip-to-next":
      return "skip to next";
    case "skip-past-last":
      return "skip past last";
    case "skip-to-first":
      return `skip to first ${s.step?.name ?? ""}${s.orFail ? " or fail" : ""}`;
    case "skip-to-last":
      return `skip to last ${s.step?.name ?? ""}${s.orFail ? " or fail" : ""}`;
  }
}

/** Inline when it fits and holds no comment; otherwise one field per line. */
function printEmit(e: EmitClause, ctx: LayoutContext, prefix = ""): Line[] {
  const mode = e.mode === null ? "" : ` ${e.mode}`;
  const head = `${prefix}emit${mode} to ${printString(e.topic)}`;
  const fields = e.fields.map((f) =>
    f.value === null ? f.name.name : `${f.name.name}: ${printExpr(f.value)}`,
  );
  if (fields.length === 0) return [line(1, `${head} {}`, e.span.start)];
  const inline = `${head} { ${fields.join(", ")} }`;
  const hasComment = ctx.commentWithin(e.span.start, e.span.end);
  if (!hasComment && 2 + inline.length <= LINE_WIDTH) return [line(1, inline, e.span.start)];
  return [
    line(1, `${head} {`, e.span.start),
    ...fields.map((f, i) =>
      line(2, `${f}${i < fields.length - 1 ? "," : ""}`, e.fields[i]?.span.start ?? -1),
    ),
    line(1, "}", e.span.end - 1),
  ];
}

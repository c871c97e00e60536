// DSL front end, parser: `rule NAME` and its clauses. Clauses are recognised by their leading word;
// one written out of order or twice is reported (and still parsed) so one run shows every problem.
import type {
  AggregateItem,
  EmitClause,
  FromClause,
  Ident,
  JoinClause,
  MatchClause,
  PartitionClause,
  RuleDecl,
  WhereClause,
  WindowClause,
  WindowKind,
} from "../ast/index.ts";
import { didYouMean } from "../diagnostics/suggest-word.ts";
import { DECLARATION_WORDS } from "../lexer/token.ts";
import type { Span } from "../span.ts";
import { type Cursor, ParseAbort } from "./cursor.ts";
import { parseEmit } from "./emit.ts";
import { parseExpr } from "./expressions.ts";
import { parseMatch } from "./patterns.ts";

interface RuleSlots {
  from: FromClause | null;
  joins: JoinClause[];
  where: WhereClause | null;
  partitionBy: PartitionClause | null;
  joinsAfterPartition: JoinClause[];
  body: WindowClause | MatchClause | null;
  emit: EmitClause | null;
}

/** Clause words, in the order the grammar wants them. */
const CLAUSE_ORDER: Readonly<Record<string, number>> = {
  from: 0,
  join: 1,
  left: 1,
  where: 2,
  partition: 3,
  window: 4,
  match: 4,
  emit: 5,
};
const CLAUSE_LABEL = ["from", "join", "where", "partition by", "window/match", "emit"];

/** Parses `rule NAME` and its clauses. */
export function parseRule(c: Cursor): RuleDecl {
  const start = c.expectWord("rule").span;
  const name = c.expectIdent("a rule name");
  const slots: RuleSlots = {
    from: null,
    joins: [],
    where: null,
    partitionBy: null,
    joinsAfterPartition: [],
    body: null,
    emit: null,
  };
  let last = -1;
  let failed = false;
  for (;;) {
    const t = c.token;
    const order = t.kind === "ident" ? CLAUSE_ORDER[t.text] : undefined;
    if (order === undefined || (t.text === "left" && !c.isWord("join", 1))) break;
    // A join may also follow `partition by` (it then sees the re-keyed records).
    const lateJoin = order === CLAUSE_ORDER["join"] && last === CLAUSE_ORDER["partition"];
    if (order < last && !lateJoin) {
      const label = CLAUSE_LABEL[order] ?? t.text;
      c.report("V1015", t.span, { clause: label, other: CLAUSE_LABEL[last] ?? "" }, ruleOrderHint());
    }
    last = Math.max(last, order);
    failed = !parseClauseGuarded(c, name, slots) || failed;
  }
  if (!c.atEnd && !(c.token.kind === "ident" && DECLARATION_WORDS.has(c.token.text))) {
    const word = c.token.kind === "ident" ? c.token.text : "";
    c.expected(
      "a rule clause (from, join, where, partition by, window, match, emit) or the next declaration",
      didYouMean(word, [...Object.keys(CLAUSE_ORDER), ...DECLARATION_WORDS]),
    );
  }
  // A rule with a broken clause is reported (every clause's errors) but not kept: checking the rest
  // would only add cascading errors.
  if (failed) throw new ParseAbort();
  reportMissing(c, name, slots);
  return { kind: "RuleDecl", name, ...slots, span: c.spanFrom(start) };
}

/** Parses one clause; on a syntax error skips to the next clause or declaration word that starts a line. */
function parseClauseGuarded(c: Cursor, name: Ident, slots: RuleSlots): boolean {
  try {
    parseClause(c, name, slots);
    return true;
  } catch (e) {
    if (!(e instanceof ParseAbort)) throw e;
    while (!c.atEnd && !(c.token.firstOnLine && c.token.kind === "ident" && RESUME_WORDS.has(c.token.text)))
      c.next();
    return false;
  }
}

const RESUME_WORDS: ReadonlySet<string> = new Set([...Object.keys(CLAUSE_ORDER), ...DECLARATION_WORDS]);

function ruleOrderHint(): string {
  return "a rule reads: from, join, where, partition by, join, window or match, emit";
}

function reportMissing(c: Cursor, name: Ident, slots: RuleSlots): void {
  if (slots.from === null) {
    c.report(
      "V1013",
      name.span,
      { what: "rule", name: name.name, missing: "`from` clause" },
      "add `from STREAM`",
    );
  }
  if (slots.emit === null) {
    c.report(
      "V1013",
      name.span,
      { what: "rule", name: name.name, missing: "`emit` clause" },
      'add `emit to "topic" { ... }`',
    );
  }
}

function duplicate(c: Cursor, span: Span, option: string, rule: Ident, taken: boolean): void {
  if (taken) c.report("V1012", span, { option, what: "rule", name: rule.name });
}

function parseClause(c: Cursor, rule: Ident, s: RuleSlots): void {
  const t = c.token;
  switch (t.text) {
    case "from":
      duplicate(c, t.span, "from", rule, s.from !== null);
      s.from = parseFrom(c);
      return;
    case "join":
    case "left":
      (s.partitionBy === null ? s.joins : s.joinsAfterPartition).push(parseJoin(c));
      return;
    case "where":
      duplicate(c, t.span, "where", rule, s.where !== null);
      c.next();
      s.where = { kind: "WhereClause", condition: parseExpr(c), span: c.spanFrom(t.span) };
      return;
    case "partition":
      duplicate(c, t.span, "partition by", rule, s.partitionBy !== null);
      s.partitionBy = parsePartition(c);
      return;
    case "window":
    case "match":
      duplicate(c, t.span, "window/match", rule, s.body !== null);
      s.body = t.text === "window" ? parseWindow(c) : parseMatch(c);
      return;
    default:
      duplicate(c, t.span, "emit", rule, s.emit !== null);
      s.emit = parseEmit(c);
  }
}

function parseAlias(c: Cursor): Ident | null {
  return c.eatWord("as") ? c.expectIdent("an alias after `as`") : null;
}

function parseFrom(c: Cursor): FromClause {
  const start = c.expectWord("from").span;
  const stream = c.expectIdent("a stream name after `from`");
  const alias = parseAlias(c);
  return { kind: "FromClause", stream, alias, span: c.spanFrom(start) };
}

function parseJoin(c: Cursor): JoinClause {
  const start = c.token.span;
  const joinType = c.eatWord("left") ? "left" : "inner";
  c.expectWord("join");
  if (c.isWord("table") && c.peek(1).kind === "ident" && !c.isWord("as", 1) && !c.isWord("on", 1)) {
    c.next();
    const table = c.expectIdent("a table name");
    const alias = parseAlias(c);
    const on = c.eatWord("on") ? parseExpr(c) : null;
    const named = c.named();
    return { kind: "TableJoinClause", joinType, table, alias, on, named, span: c.spanFrom(start) };
  }
  const stream = c.expectIdent("a stream name (or `table NAME`) after `join`");
  const alias = parseAlias(c);
  c.expectWord("on", "a stream join is written `join STREAM [as A] on CONDITION within DURATION`");
  const on = parseExpr(c);
  c.expectWord("within", "a stream-stream join needs a time bound: `within 5m`");
  const within = c.expectDuration("the join's time bound");
  let grace = null;
  let named = null;
  for (;;) {
    if (c.isWord("grace") && grace === null) grace = c.durationAfter("grace", "the grace period");
    else if (c.isWord("named") && named === null) named = c.named();
    else break;
  }
  return {
    kind: "StreamJoinClause",
    joinType,
    stream,
    alias,
    on,
    within,
    grace,
    named,
    span: c.spanFrom(start),
  };
}

function parsePartition(c: Cursor): PartitionClause {
  const start = c.expectWord("partition").span;
  c.expectWord("by", "write `partition by FIELD`");
  const keys = [parseExpr(c)];
  while (c.eatPunct(",")) keys.push(parseExpr(c));
  const named = c.named();
  return { kind: "PartitionClause", keys, named, span: c.spanFrom(start) };
}

function parseWindowKind(c: Cursor): WindowKind {
  const t = c.token;
  const kinds = "`tumbling 1h`, `hopping 1h advance 10m`, `sliding 1h` or `session gap 30m`";
  const hint = t.kind === "ident" ? didYouMean(t.text, ["tumbling", "hopping", "sliding", "session"]) : "";
  if (t.kind !== "ident") return c.expected(`a window kind (${kinds})`);
  switch (t.text) {
    case "tumbling":
      c.next();
      return { kind: "TumblingWindow", size: c.expectDuration("the window size"), span: c.spanFrom(t.span) };
    case "sliding":
      c.next();
      return { kind: "SlidingWindow", size: c.expectDuration("the window size"), span: c.spanFrom(t.span) };
    case "hopping": {
      c.next();
      const size = c.expectDuration("the window size");
      c.expectWord("advance", "a hopping window is written `hopping 1h advance 10m`");
      const advance = c.expectDuration("the advance");
      return { kind: "HoppingWindow", size, advance, span: c.spanFrom(t.span) };
    }
    case "session":
      c.next();
      c.expectWord("gap", "a session window is written `session gap 30m`");
      return { kind: "SessionWindow", gap: c.expectDuration("the session gap"), span: c.spanFrom(t.span) };
    default:
      return c.expected(`a window kind (${kinds})`, hint);
  }
}

function parseWindow(c: Cursor): WindowClause {
  const start = c.expectWord("window").span;
  const window = parseWindowKind(c);
  let grace = null;
  let named = null;
  for (;;) {
    if (c.isWord("grace") && grace === null) grace = c.durationAfter("grace", "the grace period");
    else if (c.isWord("named") && named === null) named = c.named();
    else break;
  }
  c.expectWord("aggregate", "a window is followed by `aggregate count() as n, ...`");
  const aggregates = [parseAggregate(c)];
  while (c.eatPunct(",")) aggregates.push(parseAggregate(c));
  const having = c.eatWord("having") ? parseExpr(c) : null;
  return { kind: "WindowClause", window, grace, named, aggregates, having, span: c.spanFrom(start) };
}

function parseAggregate(c: Cursor): AggregateItem {
  const expr = parseExpr(c);
  c.expectWord("as", "name each aggregate: `sum(amount) as total`");
  const name = c.expectIdent("the aggregate's output name");
  return { kind: "AggregateItem", expr, name, span: c.spanFrom(expr.span) };
}

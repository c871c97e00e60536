// DSL front end, parser: a file's declarations (stream, table, param, include; rules in rules.ts).
// Each declaration is parsed under a recovery guard: on a syntax error the parser records an
// ErrorDecl, skips to the next declaration keyword at the start of a line and goes on.
import type {
  Decl,
  ErrorDecl,
  Ident,
  IncludeDecl,
  ParamDecl,
  RecordType,
  StreamDecl,
  TableDecl,
} from "../ast/index.ts";
import { suggestWord } from "../diagnostics/suggest-word.ts";
import { DECLARATION_WORDS, describeToken } from "../lexer/token.ts";
import { type Cursor, ParseAbort } from "./cursor.ts";
import { parseExpr } from "./expressions.ts";
import { parseRule } from "./rules.ts";
import { parseRecordType } from "./types.ts";

type DeclWord = ErrorDecl["declKind"];

/** Parses declarations until the end of the file, recovering after each error. */
export function parseDeclarations(c: Cursor): Decl[] {
  const decls: Decl[] = [];
  while (!c.atEnd && !c.stopped) {
    const t = c.token;
    if (t.kind !== "ident" || !DECLARATION_WORDS.has(t.text)) {
      c.report("V1011", t.span, { found: describeToken(t), suggest: suggestDecl(t.text) });
      c.synchronize();
      continue;
    }
    decls.push(parseGuarded(c, t.text as DeclWord));
  }
  return decls;
}

function suggestDecl(word: string): string {
  const known: Record<string, string> = {
    streams: "stream",
    tables: "table",
    rules: "rule",
    params: "param",
    parameter: "param",
    import: "include",
    let: "param",
    const: "param",
  };
  const s = known[word] ?? suggestWord(word, DECLARATION_WORDS);
  return s === null ? "" : `; did you mean \`${s}\`?`;
}

function parseGuarded(c: Cursor, word: DeclWord): Decl {
  const start = c.token.span;
  const nameToken = c.peek(1);
  const from = c.position;
  try {
    return parseOne(c, word);
  } catch (e) {
    if (!(e instanceof ParseAbort)) throw e;
    c.synchronize(from);
    const name: Ident | null =
      nameToken.kind === "ident" ? { kind: "Ident", name: nameToken.text, span: nameToken.span } : null;
    return { kind: "ErrorDecl", declKind: word, name, span: c.spanFrom(start) };
  }
}

function parseOne(c: Cursor, word: DeclWord): Decl {
  switch (word) {
    case "stream":
      return parseStream(c);
    case "table":
      return parseTable(c);
    case "param":
      return parseParam(c);
    case "include":
      return parseInclude(c);
    case "rule":
      return parseRule(c);
  }
}

interface SourceOptions {
  key: Ident | null;
  format: Ident | null;
  schema: RecordType | null;
  eventTime: Ident | null;
  lateness: StreamDecl["lateness"];
  idleAfter: StreamDecl["idleAfter"];
}

const STREAM_OPTIONS = ["key", "format", "schema", "event", "lateness", "idle"];
const TABLE_OPTIONS = ["key", "format", "schema", "event"];

/** Options written as two words, and the field each fills. */
const TWO_WORD_OPTIONS: Readonly<Record<string, { second: string; field: keyof SourceOptions }>> = {
  event: { second: "time", field: "eventTime" },
  idle: { second: "after", field: "idleAfter" },
};

function parseStream(c: Cursor): StreamDecl {
  const start = c.expectWord("stream").span;
  const name = c.expectIdent("a stream name");
  const topic = parseFromTopic(c);
  const o = parseSourceOptions(c, "stream", name, STREAM_OPTIONS);
  return { kind: "StreamDecl", name, topic, ...o, span: c.spanFrom(start) };
}

function parseTable(c: Cursor): TableDecl {
  const start = c.expectWord("table").span;
  const name = c.expectIdent("a table name");
  const topic = parseFromTopic(c);
  const o = parseSourceOptions(c, "table", name, TABLE_OPTIONS);
  if (o.key === null) {
    c.report(
      "V1013",
      name.span,
      { what: "table", name: name.name, missing: "`key`" },
      "a table is keyed: add `key FIELD`",
    );
  }
  const { key, format, schema, eventTime } = o;
  return { kind: "TableDecl", name, topic, key, format, schema, eventTime, span: c.spanFrom(start) };
}

function parseFromTopic(c: Cursor) {
  c.expectWord("from", 'write `from topic "name"`');
  c.expectWord("topic", 'write `from topic "name"`');
  return c.expectString("a topic name in double quotes");
}

function parseSourceOptions(c: Cursor, what: string, name: Ident, allowed: readonly string[]): SourceOptions {
  const o: SourceOptions = {
    key: null,
    format: null,
    schema: null,
    eventTime: null,
    lateness: null,
    idleAfter: null,
  };
  for (;;) {
    if (c.eatPunct(",")) continue;
    const t = c.token;
    if (t.kind !== "ident" || !allowed.includes(t.text)) break;
    const two = TWO_WORD_OPTIONS[t.text];
    if (two !== undefined && !c.isWord(two.second, 1)) break;
    const option = two === undefined ? t.text : `${t.text} ${two.second}`;
    const field = two === undefined ? (t.text as keyof SourceOptions) : two.field;
    if (o[field] !== null) c.report("V1012", t.span, { option, what, name: name.name });
    c.next();
    parseSourceOption(c, t.text, o);
  }
  if (o.schema === null) {
    c.report(
      "V1013",
      name.span,
      { what, name: name.name, missing: "`schema`" },
      "add `schema { field: type, ... }`",
    );
  }
  if (!c.atEnd && !(c.token.kind === "ident" && DECLARATION_WORDS.has(c.token.text))) {
    const spelled = (a: string) => (TWO_WORD_OPTIONS[a] ? `${a} ${TWO_WORD_OPTIONS[a].second}` : a);
    const list = allowed.map((a) => `\`${spelled(a)}\``).join(", ");
    const word = c.token.kind === "ident" ? c.token.text : "";
    const guess = suggestWord(word, allowed);
    const hint = guess === null ? "" : `did you mean \`${spelled(guess)}\`?`;
    c.expected(`a ${what} option (${list}) or the next declaration`, hint);
  }
  return o;
}

function parseSourceOption(c: Cursor, word: string, o: SourceOptions): void {
  switch (word) {
    case "key":
      o.key = c.expectIdent("the key field");
      return;
    case "format":
      o.format = c.expectIdent("a format (json)");
      return;
    case "schema":
      o.schema = parseRecordType(c);
      return;
    case "event":
      c.expectWord("time");
      o.eventTime = c.expectIdent("the event-time field");
      return;
    case "idle":
      c.expectWord("after");
      o.idleAfter = c.expectDuration("how long a quiet partition waits before it counts as idle");
      return;
    default:
      o.lateness = c.expectDuration("the allowed lateness");
  }
}

function parseParam(c: Cursor): ParamDecl {
  const start = c.expectWord("param").span;
  const name = c.expectIdent("a parameter name");
  c.expectPunct("=", "a parameter is written `param name = value`");
  const value = parseExpr(c);
  return { kind: "ParamDecl", name, value, span: c.spanFrom(start) };
}

function parseInclude(c: Cursor): IncludeDecl {
  const start = c.expectWord("include").span;
  const path = c.expectString("a file path in double quotes", 'write `include "other.vigil"`');
  return { kind: "IncludeDecl", path, span: c.spanFrom(start) };
}

// DSL front end, lexer: the token shape. Words are all `ident` tokens (keywords are contextual and
// recognised by the parser); numbers, strings and durations carry their decoded values.
import type { DurationUnit } from "../ast/expr.ts";
import type { Span } from "../span.ts";

export type TokenKind = "ident" | "int" | "float" | "string" | "duration" | "punct" | "eof";

export interface Token {
  readonly kind: TokenKind;
  /** The source text of the token (empty for eof). */
  readonly text: string;
  readonly span: Span;
  /** True when no other token precedes this one on its line. */
  readonly firstOnLine: boolean;
  /** Decoded string, or the number (int, float, duration amount). Null for others. */
  readonly value: string | number | null;
  /** Set for `duration` tokens. */
  readonly unit?: DurationUnit;
}

/** Punctuation, longest first (the lexer tries them in this order). */
export const PUNCTUATION = [
  "->>",
  "->",
  "==",
  "!=",
  "<>",
  "<=",
  ">=",
  "<",
  ">",
  "=",
  "+",
  "-",
  "*",
  "/",
  "%",
  ".",
  ",",
  ":",
  "(",
  ")",
  "{",
  "}",
  "?",
] as const;

/** Words that can never name a field (they are operators or literals inside expressions). */
export const RESERVED_WORDS: ReadonlySet<string> = new Set([
  "and",
  "or",
  "not",
  "in",
  "between",
  "is",
  "null",
  "true",
  "false",
]);

/** Words that start a declaration; error recovery resumes at them. */
export const DECLARATION_WORDS: ReadonlySet<string> = new Set([
  "stream",
  "table",
  "param",
  "rule",
  "include",
]);

/** Words that start a clause or a declaration: on a line of their own they end what came before. */
export const CLAUSE_WORDS: ReadonlySet<string> = new Set([
  "from",
  "join",
  "left",
  "where",
  "partition",
  "window",
  "match",
  "emit",
  "having",
  "aggregate",
  "within",
  ...DECLARATION_WORDS,
]);

export const DURATION_MS: Readonly<Record<DurationUnit, number>> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/** How a token is named in a message: `amount`, `"alerts"`, end of file. */
export function describeToken(t: Token): string {
  if (t.kind === "eof") return "end of file";
  const text = t.text.length > 40 ? `${t.text.slice(0, 37)}...` : t.text;
  return `\`${text}\``;
}

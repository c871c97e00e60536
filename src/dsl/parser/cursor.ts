// DSL front end, parser: the token cursor every parsing function pulls from (one token of lookahead,
// two where `not in` / `not next` need it), plus error reporting. A syntax error inside a
// declaration throws ParseAbort, which the declaration loop catches to resynchronise.
import type { DurationLit, Ident, StringLit } from "../ast/index.ts";
import { type DiagnosticArgs, diagnostic } from "../diagnostics/catalogue.ts";
import type { Diagnostic } from "../diagnostics/diagnostic.ts";
import { suggestWord } from "../diagnostics/suggest-word.ts";
import {
  CLAUSE_WORDS,
  DECLARATION_WORDS,
  describeToken,
  RESERVED_WORDS,
  type Token,
} from "../lexer/token.ts";
import { joinSpans, type Span, spanAfter } from "../span.ts";

/** Thrown to abandon the current declaration after its error was reported. Never escapes parse(). */
export class ParseAbort extends Error {}

/** Most errors reported per file; then parsing stops. */
export const MAX_ERRORS = 100;

/** Deepest expression or type nesting accepted (guards the recursion). */
export const MAX_DEPTH = 200;

/** Tallest expression tree accepted (flat operator chains included), so later stages may recurse. */
export const MAX_HEIGHT = 1000;

export class Cursor {
  private readonly tokens: readonly Token[];
  private pos = 0;
  readonly diagnostics: Diagnostic[] = [];
  depth = 0;
  /** Set when MAX_ERRORS was reached. */
  stopped = false;

  constructor(tokens: readonly Token[]) {
    this.tokens = tokens;
  }

  get token(): Token {
    return this.peek(0);
  }

  peek(n = 1): Token {
    const t = this.tokens[Math.min(this.pos + n, this.tokens.length - 1)];
    if (t === undefined) throw new Error("token stream without eof");
    return t;
  }

  /** The last consumed token (for spans that end there). */
  get previous(): Token {
    return this.tokens[Math.max(0, this.pos - 1)] ?? this.token;
  }

  get atEnd(): boolean {
    return this.token.kind === "eof";
  }

  next(): Token {
    const t = this.token;
    if (t.kind !== "eof") this.pos++;
    return t;
  }

  /** The span from `start` to the end of the last consumed token. */
  spanFrom(start: Span): Span {
    return joinSpans(start, this.previous.span);
  }

  isWord(word: string, n = 0): boolean {
    const t = this.peek(n);
    return t.kind === "ident" && t.text === word;
  }

  isPunct(p: string, n = 0): boolean {
    const t = this.peek(n);
    return t.kind === "punct" && t.text === p;
  }

  eatWord(word: string): boolean {
    if (!this.isWord(word)) return false;
    this.next();
    return true;
  }

  eatPunct(p: string): boolean {
    if (!this.isPunct(p)) return false;
    this.next();
    return true;
  }

  /** A declaration keyword at the start of a line (where recovery resumes), or the end of file. */
  atSyncPoint(): boolean {
    const t = this.token;
    if (t.kind === "eof") return true;
    if (t.kind !== "ident" || !t.firstOnLine) return false;
    // A misspelt declaration word in column 1 (`strem`) also resumes, so it gets its own diagnostic.
    return (
      DECLARATION_WORDS.has(t.text) || (t.span.col === 1 && suggestWord(t.text, DECLARATION_WORDS) !== null)
    );
  }

  /** Index of the current token (to tell whether parsing moved). */
  get position(): number {
    return this.pos;
  }

  /** Skips tokens until a sync point past `from` (the token index where the failed declaration began). */
  synchronize(from = this.pos): void {
    if (this.pos <= from && !this.atEnd) this.next();
    while (!this.atSyncPoint()) this.next();
  }

  report(code: string, span: Span, args: DiagnosticArgs = {}, hint?: string): void {
    if (this.stopped) return;
    if (this.diagnostics.length >= MAX_ERRORS) {
      this.diagnostics.push(diagnostic("V1018", span, { max: MAX_ERRORS }));
      this.stopped = true;
      return;
    }
    this.diagnostics.push(diagnostic(code, span, args, hint));
  }

  /** Reports and abandons the current declaration. */
  fail(code: string, span: Span, args: DiagnosticArgs = {}, hint?: string): never {
    this.report(code, span, args, hint);
    throw new ParseAbort();
  }

  /** Reports "expected X, found <current token>" and abandons the declaration. */
  expected(what: string, hint?: string): never {
    const t = this.token;
    if (t.firstOnLine && t.kind === "ident" && CLAUSE_WORDS.has(t.text) && this.pos > 0) {
      // The line ended before the construct did: point there, not at the next line's clause.
      const found = `${describeToken(t)} on the next line`;
      return this.fail("V1010", spanAfter(this.previous.span), { expected: what, found }, hint);
    }
    return this.fail("V1010", t.span, { expected: what, found: describeToken(t) }, hint);
  }

  expectWord(word: string, hint?: string): Token {
    if (!this.isWord(word)) this.expected(`\`${word}\``, hint);
    return this.next();
  }

  expectPunct(p: string, hint?: string): Token {
    if (!this.isPunct(p)) this.expected(`\`${p}\``, hint);
    return this.next();
  }

  /** A name; reserved words are refused. */
  expectIdent(what: string, hint?: string): Ident {
    const t = this.token;
    if (t.kind !== "ident" || RESERVED_WORDS.has(t.text)) this.expected(what, hint);
    this.next();
    return { kind: "Ident", name: t.text, span: t.span };
  }

  expectString(what: string, hint?: string): StringLit {
    const t = this.token;
    if (t.kind !== "string") this.expected(what, hint);
    this.next();
    return { kind: "StringLit", value: String(t.value), span: t.span };
  }

  /** `named "x"`: a user-chosen operator name, or null when the clause has none. */
  named(): StringLit | null {
    return this.eatWord("named")
      ? this.expectString('an operator name in double quotes (`named "my_window"`)')
      : null;
  }

  /** Consumes `word` and expects a duration after it. */
  durationAfter(word: string, what: string): DurationLit {
    this.expectWord(word);
    return this.expectDuration(what);
  }

  expectDuration(what: string): DurationLit {
    const t = this.token;
    if (t.kind !== "duration") {
      const hint =
        t.kind === "int"
          ? `add a unit: ${t.text}ms, ${t.text}s, ${t.text}m, ${t.text}h or ${t.text}d`
          : undefined;
      this.expected(`${what} (a duration such as 30s or 10m)`, hint);
    }
    this.next();
    return durationLit(t);
  }
}

/** The DurationLit of a `duration` token. */
export function durationLit(t: Token): DurationLit {
  const unit = t.unit ?? "ms";
  const amount = Number(t.value);
  const ms = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[unit] * amount;
  return { kind: "DurationLit", amount, unit, ms, span: t.span };
}

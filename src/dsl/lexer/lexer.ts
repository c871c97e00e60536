// DSL front end, lexer: source text to tokens and comments in one linear pass. Never throws: a bad
// character or literal becomes a diagnostic and lexing continues after it.
import type { Comment, DurationUnit } from "../ast/index.ts";
import { diagnostic } from "../diagnostics/catalogue.ts";
import type { Diagnostic } from "../diagnostics/diagnostic.ts";
import type { SourceFile } from "../span.ts";
import { DURATION_MS, PUNCTUATION, type Token, type TokenKind } from "./token.ts";

export interface LexResult {
  /** Always ends with one `eof` token. */
  readonly tokens: readonly Token[];
  readonly comments: readonly Comment[];
  readonly diagnostics: readonly Diagnostic[];
}

const isDigit = (c: string): boolean => c >= "0" && c <= "9";
const isIdentStart = (c: string): boolean => (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c === "_";
const isIdentPart = (c: string): boolean => isIdentStart(c) || isDigit(c);

/** Tokenises `source`, e.g. `10m` is one duration token of 600000 ms. */
export function lex(source: SourceFile): LexResult {
  return new Lexer(source).run();
}

class Lexer {
  private readonly text: string;
  private pos = 0;
  private lineHasToken = false;
  private readonly tokens: Token[] = [];
  private readonly comments: Comment[] = [];
  private readonly diagnostics: Diagnostic[] = [];
  private readonly source: SourceFile;

  constructor(source: SourceFile) {
    this.source = source;
    this.text = source.text;
  }

  run(): LexResult {
    if (this.notText()) {
      this.push("eof", this.text.length, this.text.length, null);
      return { tokens: this.tokens, comments: [], diagnostics: this.diagnostics };
    }
    while (this.pos < this.text.length) this.step();
    this.push("eof", this.pos, this.pos, null);
    return { tokens: this.tokens, comments: this.comments, diagnostics: this.diagnostics };
  }

  private step(): void {
    const c = this.text[this.pos] ?? "";
    if (c === "\n") {
      this.lineHasToken = false;
      this.pos++;
    } else if (c === " " || c === "\t" || c === "\r" || c === "\f" || c === "\uFEFF") {
      this.pos++;
    } else if (c === "-" && this.text[this.pos + 1] === "-") {
      this.comment();
    } else if (isIdentStart(c)) {
      this.ident();
    } else if (isDigit(c)) {
      this.number();
    } else if (c === '"') {
      this.string();
    } else if (c === "'" && this.singleQuoted()) {
      // Reported and read as a string, so the rest of the file is not misread.
    } else {
      this.punct(c);
    }
  }

  /**
   * A NUL byte, or U+FFFD (what invalid UTF-8 decodes to), means a binary or mis-encoded file: one
   * V1019 at the first such character (nothing is lexed) instead of a diagnostic per byte. True when reported.
   */
  private notText(): boolean {
    const nul = this.text.indexOf("\0");
    const bad = this.text.indexOf("\uFFFD");
    const at = nul < 0 ? bad : bad < 0 ? nul : Math.min(nul, bad);
    if (at < 0) return false;
    const why = at === nul ? "it contains a NUL byte" : "it is not valid UTF-8";
    this.report("V1019", at, at + 1, { why });
    return true;
  }

  private push(
    kind: TokenKind,
    start: number,
    end: number,
    value: string | number | null,
    unit?: DurationUnit,
  ) {
    const token: Token = {
      kind,
      text: this.text.slice(start, end),
      span: this.source.span(start, end),
      firstOnLine: !this.lineHasToken,
      value,
      ...(unit === undefined ? {} : { unit }),
    };
    this.tokens.push(token);
    this.lineHasToken = true;
  }

  private report(code: string, start: number, end: number, args: Record<string, string> = {}): void {
    this.diagnostics.push(diagnostic(code, this.source.span(start, end), args));
  }

  private comment(): void {
    const start = this.pos;
    let end = this.text.indexOf("\n", start);
    if (end < 0) end = this.text.length;
    const raw = this.text.slice(start + 2, end).replace(/\s+$/, "");
    this.comments.push({
      kind: "Comment",
      text: raw,
      trailing: this.lineHasToken,
      blankLineAfter: this.blankLineAt(end),
      span: this.source.span(start, start + 2 + raw.length),
    });
    this.pos = end;
  }

  /** True when `offset` ends a line and the next line is empty (whitespace only). */
  private blankLineAt(offset: number): boolean {
    if (this.text[offset] !== "\n") return false;
    let i = offset + 1;
    while (this.text[i] === " " || this.text[i] === "\t" || this.text[i] === "\r") i++;
    return this.text[i] === "\n";
  }

  private ident(): void {
    const start = this.pos;
    while (this.pos < this.text.length && isIdentPart(this.text[this.pos] ?? "")) this.pos++;
    this.push("ident", start, this.pos, null);
  }

  private number(): void {
    const start = this.pos;
    this.digits();
    let isFloat = false;
    if (this.text[this.pos] === "." && isDigit(this.text[this.pos + 1] ?? "")) {
      isFloat = true;
      this.pos++;
      this.digits();
    }
    const e = this.text[this.pos];
    const afterE = this.text[this.pos + 1] ?? "";
    const signDigit = (afterE === "+" || afterE === "-") && isDigit(this.text[this.pos + 2] ?? "");
    if ((e === "e" || e === "E") && (isDigit(afterE) || signDigit)) {
      isFloat = true;
      this.pos += signDigit ? 2 : 1;
      this.digits();
    }
    const numEnd = this.pos;
    while (this.pos < this.text.length && isIdentPart(this.text[this.pos] ?? "")) this.pos++;
    this.finishNumber(start, numEnd, isFloat);
  }

  private digits(): void {
    while (
      this.pos < this.text.length &&
      (isDigit(this.text[this.pos] ?? "") || this.text[this.pos] === "_")
    ) {
      this.pos++;
    }
  }

  private finishNumber(start: number, numEnd: number, isFloat: boolean): void {
    const numText = this.text.slice(start, numEnd);
    const suffix = this.text.slice(numEnd, this.pos);
    const value = Number(numText.replace(/_/g, ""));
    const validInt = !isFloat && Number.isSafeInteger(value) && !numText.endsWith("_");
    if (suffix === "") {
      if (isFloat ? Number.isFinite(value) : validInt)
        this.push(isFloat ? "float" : "int", start, this.pos, value);
      else this.badNumber(start);
      return;
    }
    if (Object.hasOwn(DURATION_MS, suffix) && validInt) {
      const unit = suffix as DurationUnit;
      if (Number.isSafeInteger(value * DURATION_MS[unit])) {
        this.push("duration", start, this.pos, value, unit);
        return;
      }
    }
    if (validInt && this.compoundDuration(start, value, suffix)) return;
    if (isFloat && Object.hasOwn(DURATION_MS, suffix) && Number.isFinite(value)) {
      this.fractionalDuration(start, value * DURATION_MS[suffix as DurationUnit]);
      return;
    }
    if (!Object.hasOwn(DURATION_MS, suffix) && !isFloat && /^[a-zA-Z]+$/.test(suffix)) {
      const suggest = suggestUnit(suffix);
      const didYouMean = suggest === "" ? "" : `; did you mean \`${numText}${suggest}\`?`;
      this.report("V1005", numEnd, this.pos, { unit: suffix, suggest: didYouMean });
      this.push("duration", start, this.pos, value, "ms");
      return;
    }
    this.badNumber(start);
  }

  /** `1h30m`: reported (V1007) with the single-unit spelling, and read as that duration. */
  private compoundDuration(start: number, first: number, suffix: string): boolean {
    const parts = /^([a-z]+)((?:\d+[a-z]+)+)$/.exec(suffix);
    if (parts === null) return false;
    const pieces = [
      [String(first), parts[1] ?? ""],
      ...[...(parts[2] ?? "").matchAll(/(\d+)([a-z]+)/g)].map((m) => [m[1] ?? "", m[2] ?? ""]),
    ];
    let ms = 0;
    for (const [amount, unit] of pieces) {
      if (!Object.hasOwn(DURATION_MS, unit ?? "")) return false;
      ms += Number(amount) * DURATION_MS[unit as DurationUnit];
    }
    if (!Number.isSafeInteger(ms)) return false;
    const units: DurationUnit[] = ["d", "h", "m", "s", "ms"];
    const unit = units.find((u) => ms % DURATION_MS[u] === 0) ?? "ms";
    const amount = ms / DURATION_MS[unit];
    this.report("V1007", start, this.pos, {
      text: this.text.slice(start, this.pos),
      fixed: `${amount}${unit}`,
    });
    this.push("duration", start, this.pos, amount, unit);
    return true;
  }

  /** `1.5h`: reported (V1008) with the whole-unit spelling (`90m`), and read as that duration. */
  private fractionalDuration(start: number, exactMs: number): void {
    const ms = Math.round(exactMs);
    const units: DurationUnit[] = ["d", "h", "m", "s", "ms"];
    const unit = units.find((u) => ms % DURATION_MS[u] === 0) ?? "ms";
    const amount = ms / DURATION_MS[unit];
    const hint =
      ms === exactMs && Number.isSafeInteger(ms)
        ? `write \`${amount}${unit}\``
        : "durations are whole numbers of a unit: 500ms, 30s, 10m, 1h or 7d";
    this.report("V1008", start, this.pos, { text: this.text.slice(start, this.pos), hint });
    this.push("duration", start, this.pos, Number.isSafeInteger(ms) ? amount : 0, unit);
  }

  private badNumber(start: number): void {
    this.report("V1004", start, this.pos, { text: this.text.slice(start, this.pos) });
    this.push("int", start, this.pos, 0);
  }

  private string(): void {
    const start = this.pos;
    this.pos++;
    let value = "";
    for (;;) {
      const c = this.text[this.pos];
      if (c === undefined || c === "\n") {
        this.report("V1002", start, this.pos);
        break;
      }
      if (c === '"') {
        this.pos++;
        break;
      }
      if (c === "\\") value += this.escape();
      else {
        value += c;
        this.pos++;
      }
    }
    this.push("string", start, this.pos, value);
  }

  private escape(): string {
    const start = this.pos;
    const c = this.text[this.pos + 1] ?? "";
    this.pos += 2;
    const simple: Record<string, string> = { '"': '"', "\\": "\\", n: "\n", t: "\t", r: "\r" };
    const mapped = simple[c];
    if (mapped !== undefined) return mapped;
    if (c === "u") {
      const m = /^\{([0-9a-fA-F]{1,6})\}/.exec(this.text.slice(this.pos, this.pos + 8));
      const code = m === null ? -1 : Number.parseInt(m[1] ?? "", 16);
      if (m !== null && code <= 0x10ffff) {
        this.pos += m[0].length;
        return String.fromCodePoint(code);
      }
    }
    if (c === "\n" || c === "") this.pos--;
    this.report("V1003", start, this.pos, { escape: this.text.slice(start, this.pos) });
    return "";
  }

  /** `'text'` on one line: reported (V1006) and pushed as a string token. False when unclosed. */
  private singleQuoted(): boolean {
    const start = this.pos;
    const close = this.text.indexOf("'", start + 1);
    const newline = this.text.indexOf("\n", start + 1);
    if (close < 0 || (newline >= 0 && newline < close)) return false;
    const value = this.text.slice(start + 1, close);
    this.pos = close + 1;
    this.report("V1006", start, this.pos, {
      text: this.text.slice(start, this.pos),
      fixed: JSON.stringify(value),
    });
    this.push("string", start, this.pos, value);
    return true;
  }

  private punct(c: string): void {
    const start = this.pos;
    for (const p of PUNCTUATION) {
      if (this.text.startsWith(p, start)) {
        this.pos += p.length;
        this.push("punct", start, this.pos, null);
        return;
      }
    }
    const cp = this.text.codePointAt(start) ?? 0;
    const width = cp > 0xffff ? 2 : 1;
    this.pos += width;
    const ch = this.text.slice(start, start + width);
    const shown = cp < 32 || cp === 127 ? `U+${cp.toString(16).toUpperCase().padStart(4, "0")}` : `\`${ch}\``;
    this.report("V1001", start, this.pos, { char: shown, hint: charHint(c) });
  }
}

function charHint(c: string): string {
  const hints: Record<string, string> = {
    "'": 'strings use double quotes: "text"',
    ";": "no semicolons needed: declarations and clauses end by themselves",
    "&": "write `and`",
    "|": "write `or`",
    "!": "write `not`, or `!=` for inequality",
    "#": "comments start with `--`",
    "[": "lists are written in parentheses: x in (1, 2)",
    "]": "lists are written in parentheses: x in (1, 2)",
  };
  return hints[c] ?? "";
}

function suggestUnit(unit: string): string {
  const known: Record<string, string> = {
    sec: "s",
    secs: "s",
    second: "s",
    seconds: "s",
    min: "m",
    mins: "m",
    minute: "m",
    minutes: "m",
    hr: "h",
    hrs: "h",
    hour: "h",
    hours: "h",
    day: "d",
    days: "d",
    msec: "ms",
    millis: "ms",
  };
  return known[unit.toLowerCase()] ?? "";
}

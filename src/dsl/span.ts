// DSL front end: source positions. Every AST node and every diagnostic carries a Span, so any
// message can point at the exact characters it is about (file:line:col plus a caret range).

/** A half-open character range [start, end) of one source file, with the 1-based line and column of `start`. */
export interface Span {
  readonly file: string;
  /** Offset (UTF-16 code units) of the first character. */
  readonly start: number;
  /** Offset just past the last character (end >= start). */
  readonly end: number;
  /** 1-based line of `start`. */
  readonly line: number;
  /** 1-based column of `start`. */
  readonly col: number;
}

/** The span from the start of `a` to the end of `b` (both in the same file). */
export function joinSpans(a: Span, b: Span): Span {
  return { file: a.file, start: a.start, end: Math.max(a.end, b.end), line: a.line, col: a.col };
}

/** A zero-width span at the end of `s` (where something missing was expected). */
export function spanAfter(s: Span): Span {
  return { ...s, start: s.end, end: s.end, col: s.col + (s.end - s.start) };
}

/** A source file's text with a line index, to turn offsets into line/column and fetch a line's text. */
export class SourceFile {
  readonly name: string;
  readonly text: string;
  private readonly lineStarts: readonly number[];

  constructor(name: string, text: string) {
    this.name = name;
    this.text = text;
    const starts = [0];
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
    this.lineStarts = starts;
  }

  /** The span of [start, end), with line and column computed from the index. */
  span(start: number, end: number): Span {
    const line = this.lineOf(start);
    const lineStart = this.lineStarts[line - 1] ?? 0;
    return { file: this.name, start, end, line, col: start - lineStart + 1 };
  }

  /** 1-based line containing `offset` (binary search). */
  lineOf(offset: number): number {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.lineStarts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }

  /** Text of the 1-based line, without its line break. */
  lineText(line: number): string {
    const start = this.lineStarts[line - 1];
    if (start === undefined) return "";
    const next = this.lineStarts[line];
    const end = next === undefined ? this.text.length : next - 1;
    return this.text.slice(start, end).replace(/\r$/, "");
  }
}

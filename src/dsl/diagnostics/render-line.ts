// DSL front end, diagnostics: the echoed source line under a message. Guarantees it is safe to print
// (no control character reaches the terminal) and short (at most ~WINDOW columns around the span),
// with the caret line under exactly the characters the span covers.

/** Columns of source shown around a span on a long line. */
export const WINDOW = 120;
/** Columns kept before the span when a long line is clipped. */
const CONTEXT_BEFORE = 40;

/** The line and caret rows (without indentation) for a span at 0-based `start` of `width` units. */
export function sourceExcerpt(line: string, start: number, width: number): { text: string; caret: string } {
  const s = Math.max(0, Math.min(start, line.length));
  const w = Math.max(1, Math.min(width, line.length - s));
  let from = 0;
  let to = line.length;
  if (line.length > WINDOW) {
    from = s + Math.min(w, WINDOW - CONTEXT_BEFORE) <= WINDOW ? 0 : s - CONTEXT_BEFORE;
    to = Math.min(line.length, from + WINDOW);
    if (to === line.length) from = Math.max(0, Math.min(from, to - WINDOW));
    if (isLowSurrogate(line, from)) from++;
    if (isLowSurrogate(line, to)) to--;
  }
  const shown = (a: number, b: number): string => {
    let out = "";
    for (let i = a; i < b; i++) out += displayChar(line.charCodeAt(i), line[i] ?? "");
    return out;
  };
  const lead = from > 0 ? "…" : "";
  const tail = to < line.length ? "…" : "";
  const caretStart = Math.max(from, s);
  const caretEnd = Math.min(to, s + w);
  const pad = lead.length + shown(from, caretStart).length;
  const marks = Math.max(1, shown(caretStart, caretEnd).length);
  return { text: `${lead}${shown(from, to)}${tail}`, caret: `${" ".repeat(pad)}${"^".repeat(marks)}` };
}

function isLowSurrogate(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  return c >= 0xdc00 && c <= 0xdfff;
}

/**
 * How one UTF-16 unit is printed: a tab as a space, C0 controls and DEL as their visible Control
 * Pictures (ESC -> ␛), C1 controls and bidirectional overrides as `<U+XXXX>`, anything else as is.
 */
function displayChar(code: number, ch: string): string {
  if (code === 9) return " ";
  if (code < 32) return String.fromCharCode(0x2400 + code);
  if (code === 127) return "\u2421";
  if (
    (code >= 0x80 && code <= 0x9f) ||
    (code >= 0x202a && code <= 0x202e) ||
    (code >= 0x2066 && code <= 0x2069)
  )
    return `<U+${code.toString(16).toUpperCase().padStart(4, "0")}>`;
  return ch;
}

/** True for the characters displayChar rewrites that could drive a terminal (C0, DEL, C1, bidi). */
export function isControl(code: number): boolean {
  return (
    (code < 32 && code !== 10) ||
    (code >= 0x7f && code <= 0x9f) ||
    (code >= 0x202a && code <= 0x202e) ||
    (code >= 0x2066 && code <= 0x2069)
  );
}

/** `text` with every control character (except newlines) made visible, for messages and hints. */
export function safeText(text: string): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    out += isControl(code) ? displayChar(code, "") : (text[i] ?? "");
  }
  return out;
}

// DSL front end, fmt: the output as lines, each anchored at the source offset of the construct it
// starts, and the placement of comments on them. A full-line comment goes before the first line
// anchored at or after it; a trailing comment goes after the last line anchored before it (or on a
// line of its own when that line already has one). Placement is deterministic, so fmt is idempotent.
import type { Comment } from "../ast/index.ts";

/** Lines longer than this (indentation included) are wrapped where the layout allows. */
export const LINE_WIDTH = 110;

/** What the layout may ask about the source: is there a comment inside [start, end)? */
export interface LayoutContext {
  readonly commentWithin: (start: number, end: number) => boolean;
}

import { AnchorIndex } from "./anchor-index.ts";

export interface Line {
  readonly indent: number;
  readonly text: string;
  /** Source offset of what the line starts with; -1 for synthetic lines (`}`, blank). */
  readonly anchor: number;
}

/** A line anchored at `anchor`, indented by `indent` levels (two spaces each). */
export function line(indent: number, text: string, anchor: number): Line {
  return { indent, text, anchor };
}

export const BLANK: Line = { indent: 0, text: "", anchor: -1 };

interface Placement {
  readonly before: Comment[][];
  readonly trailing: (Comment | undefined)[];
  readonly atEnd: Comment[];
}

function place(lines: readonly Line[], comments: readonly Comment[]): Placement {
  const p: Placement = { before: lines.map(() => []), trailing: lines.map(() => undefined), atEnd: [] };
  const index = new AnchorIndex(lines.map((l) => l.anchor));
  for (const c of comments) {
    if (c.trailing) placeTrailing(index, p, c);
    else placeBefore(index, p, c, c.span.start, 0);
  }
  return p;
}

/** Before the first line (from `from` on) anchored at or after `offset`; at the end when none is. */
function placeBefore(index: AnchorIndex, p: Placement, c: Comment, offset: number, from: number): void {
  const i = index.firstAtLeast(from, offset);
  if (i >= 0) p.before[i]?.push(c);
  else p.atEnd.push(c);
}

function placeTrailing(index: AnchorIndex, p: Placement, c: Comment): void {
  const best = index.lastAtMost(c.span.start);
  if (best < 0) {
    placeBefore(index, p, c, c.span.start, 0);
    return;
  }
  if (p.trailing[best] === undefined) {
    p.trailing[best] = c;
    return;
  }
  // The line already has a trailing comment: this one goes on its own line before the next anchored line.
  placeBefore(index, p, c, 0, best + 1);
}

interface Row {
  readonly text: string;
  readonly trailing?: string;
}

/** Renders lines with their comments; the result ends with one newline. */
export function renderLines(lines: readonly Line[], comments: readonly Comment[]): string {
  const p = place(lines, comments);
  const rows: Row[] = [];
  lines.forEach((l, i) => {
    const pad = "  ".repeat(l.indent);
    for (const c of p.before[i] ?? []) {
      rows.push({ text: `${pad}--${c.text}` });
      if (c.blankLineAfter === true) rows.push({ text: "" });
    }
    const trailing = p.trailing[i];
    const text = l.text === "" ? "" : `${pad}${l.text}`;
    rows.push(trailing === undefined ? { text } : { text, trailing: `--${trailing.text}` });
  });
  for (const c of p.atEnd) {
    rows.push({ text: `--${c.text}` });
    if (c.blankLineAfter === true) rows.push({ text: "" });
  }
  const out = alignTrailing(rows);
  while (out.length > 0 && out[out.length - 1] === "") out.pop();
  return out.length === 0 ? "" : `${out.join("\n")}\n`;
}

/** Trailing comments on consecutive rows start in one column, two spaces after the longest row. */
function alignTrailing(rows: readonly Row[]): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < rows.length) {
    let j = i;
    while (j < rows.length && rows[j]?.trailing !== undefined) j++;
    if (j === i) {
      out.push(rows[i]?.text ?? "");
      i++;
      continue;
    }
    const width = Math.max(...rows.slice(i, j).map((r) => r.text.length));
    for (const r of rows.slice(i, j)) out.push(`${r.text.padEnd(width)}  ${r.trailing}`);
    i = j;
  }
  return out;
}

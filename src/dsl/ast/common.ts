// DSL front end, AST: the pieces every node kind shares. Nodes are immutable plain objects with a
// `kind` discriminant and a `span`; they are built only by the parser.
import type { Span } from "../span.ts";

/** A name as written in a declaration or clause (a stream, alias, field, step, aggregate output). */
export interface Ident {
  readonly kind: "Ident";
  readonly name: string;
  readonly span: Span;
}

/** A `-- ...` comment, kept (outside the tree, in Program.comments) so `fmt` can put it back. */
export interface Comment {
  readonly kind: "Comment";
  /** The text after `--`, with trailing whitespace removed. */
  readonly text: string;
  /** True when code precedes the comment on its line (`param x = 1 -- why`). */
  readonly trailing: boolean;
  /** True when an empty line follows the comment's line (a detached comment block; `fmt` keeps the gap). */
  readonly blankLineAfter?: boolean;
  readonly span: Span;
}

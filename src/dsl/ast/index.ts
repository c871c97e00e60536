// DSL front end, AST: the closed union of every node kind. Import the AST as
// `import type * as ast from "../ast/index.ts"`; switch on `kind` and let `never` prove exhaustiveness.
import type { Comment, Ident } from "./common.ts";
import type { Decl, Program } from "./decls.ts";
import type { EmitClause, EmitField } from "./emit.ts";
import type { Expr } from "./expr.ts";
import type { MatchClause, PatternStep, Quantifier, SkipClause } from "./pattern.ts";
import type {
  AggregateItem,
  FromClause,
  JoinClause,
  PartitionClause,
  WhereClause,
  WindowClause,
  WindowKind,
} from "./rule.ts";
import type { FieldDecl, TypeExpr } from "./types.ts";

export type * from "./common.ts";
export type * from "./decls.ts";
export type * from "./emit.ts";
export type * from "./expr.ts";
export type * from "./pattern.ts";
export type * from "./rule.ts";
export type * from "./types.ts";

/** Every node kind of the AST. */
export type Node =
  | Program
  | Decl
  | Expr
  | TypeExpr
  | FieldDecl
  | Ident
  | Comment
  | FromClause
  | JoinClause
  | WhereClause
  | PartitionClause
  | WindowClause
  | WindowKind
  | AggregateItem
  | EmitClause
  | EmitField
  | MatchClause
  | PatternStep
  | Quantifier
  | SkipClause;

export type NodeKind = Node["kind"];

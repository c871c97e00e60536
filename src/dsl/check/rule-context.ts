// DSL checker: what a rule's clauses share while they are checked in order: the program's
// declarations, the current scope, the current partitioning key, and the operators so far.
import type { RecordSchema } from "../../core/schema.ts";
import type { Expr } from "../../plan/expr.ts";
import type { StreamDecl, TableDecl } from "../../plan/plan.ts";
import type { CheckedOp } from "./checked.ts";
import type { Reporter } from "./report.ts";
import type { ParamInfo, RowBinding, Scope } from "./scope.ts";

/** The program-level names a rule can refer to. */
export interface Declarations {
  readonly streams: ReadonlyMap<string, StreamDecl>;
  readonly tables: ReadonlyMap<string, TableDecl>;
  readonly params: ReadonlyMap<string, ParamInfo>;
  /** Names whose declaration was broken (already reported): references to them stay silent. */
  readonly broken: ReadonlySet<string>;
  /** True when an include could not be read: unknown names may be declared there. */
  readonly incomplete: boolean;
}

/** A hint for an unknown declaration name, mentioning an unreadable include when there is one. */
export function unknownDeclHint(decls: Declarations, hint: string): string {
  if (!decls.incomplete || hint.startsWith("did you mean")) return hint;
  return "an included file could not be read; it may declare this name";
}

/** The current partitioning: the key expressions and the names they carry into aggregates. */
export interface KeyInfo {
  readonly exprs: readonly Expr[];
  readonly names: readonly string[];
}

export interface RuleContext {
  readonly decls: Declarations;
  readonly rep: Reporter;
  readonly ruleName: string;
  readonly sourceAlias: string;
  readonly sourceStream: StreamDecl;
  scope: Scope;
  key: KeyInfo | null;
  readonly ops: CheckedOp[];
}

/** A row binding for `schema`. */
export function row(name: string, schema: RecordSchema, what: string): RowBinding {
  return { name, schema, what };
}

/** True when `a` and `b` are the same field reference. */
export function sameField(a: Expr, b: Expr): boolean {
  return a.kind === "field" && b.kind === "field" && a.path.join("\u0000") === b.path.join("\u0000");
}

/** The bindings an expression reads (first path elements of its field refs; `$steps` for step aggregates). */
export function bindingsOf(e: Expr, out: Set<string> = new Set()): Set<string> {
  switch (e.kind) {
    case "field":
      out.add(e.path[0] ?? "");
      break;
    case "unary":
      bindingsOf(e.operand, out);
      break;
    case "binary":
      bindingsOf(e.left, out);
      bindingsOf(e.right, out);
      break;
    case "call":
      for (const a of e.args) bindingsOf(a, out);
      break;
    case "in":
      bindingsOf(e.operand, out);
      for (const a of e.list) bindingsOf(a, out);
      break;
    case "between":
      bindingsOf(e.operand, out);
      bindingsOf(e.low, out);
      bindingsOf(e.high, out);
      break;
    case "is-null":
      bindingsOf(e.operand, out);
      break;
    case "step-aggregate":
      out.add(e.step);
      break;
    case "literal":
    case "param":
      break;
  }
  return out;
}

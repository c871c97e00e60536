// DSL checker: a whole program (every file of a deployment, includes already loaded). Collects
// declarations across files (each name declared once), then checks every rule against them.
import { T } from "../../core/schema.ts";
import type { ParamDecl, StreamDecl, TableDecl } from "../../plan/plan.ts";
import type * as ast from "../ast/index.ts";
import type { Span } from "../span.ts";
import { checkParamDecl, checkStreamDecl, checkTableDecl } from "./check-decls.ts";
import { checkRule } from "./check-rule.ts";
import type { CheckedProgram, CheckedRule } from "./checked.ts";
import type { Reporter } from "./report.ts";
import type { Declarations } from "./rule-context.ts";
import type { ParamInfo } from "./scope.ts";

type Named = Exclude<ast.Decl, ast.IncludeDecl | ast.ErrorDecl>;

function where(s: Span): string {
  return `${s.file}:${s.line}:${s.col}`;
}

/** Reports a second declaration of the same name (streams, tables and params share one namespace; rules another). */
function firstDeclarations(
  programs: readonly ast.Program[],
  rep: Reporter,
): { decls: Named[]; broken: Set<string> } {
  const seen = new Map<string, Span>();
  const rules = new Map<string, Span>();
  const decls: Named[] = [];
  const broken = new Set<string>();
  for (const p of programs) {
    for (const d of p.decls) {
      if (d.kind === "IncludeDecl") continue;
      if (d.kind === "ErrorDecl") {
        if (d.name !== null) broken.add(d.name.name);
        continue;
      }
      const names = d.kind === "RuleDecl" ? rules : seen;
      const first = names.get(d.name.name);
      if (first !== undefined) {
        const what = d.kind === "RuleDecl" ? "rule" : "name";
        rep.report("V2006", d.name.span, { what, name: d.name.name, first: `at ${where(first)}` });
        continue;
      }
      names.set(d.name.name, d.name.span);
      decls.push(d);
    }
  }
  return { decls, broken };
}

/** Checks `programs` as one deployment. */
export function checkProgram(
  programs: readonly ast.Program[],
  rep: Reporter,
  incomplete = false,
): CheckedProgram {
  const { decls, broken } = firstDeclarations(programs, rep);
  const streams: StreamDecl[] = [];
  const tables: TableDecl[] = [];
  const params: ParamDecl[] = [];
  const paramInfo = new Map<string, ParamInfo>();
  for (const d of decls) {
    if (d.kind === "StreamDecl") streams.push(checkStreamDecl(d, rep));
    else if (d.kind === "TableDecl") tables.push(checkTableDecl(d, rep));
    else if (d.kind === "ParamDecl") {
      const p = checkParamDecl(d, rep);
      if (p === null) broken.add(d.name.name);
      else {
        params.push({ name: p.name, defaultValue: p.defaultValue });
        paramInfo.set(p.name, { name: p.name, value: p.defaultValue, type: p.type });
      }
    }
  }
  // A broken declaration was reported already: references to its name stay silent (type `any`).
  for (const name of broken)
    if (!paramInfo.has(name)) paramInfo.set(name, { name, value: null, type: T.any });
  const env: Declarations = {
    streams: new Map(streams.map((s) => [s.name, s])),
    tables: new Map(tables.map((t) => [t.name, t])),
    params: paramInfo,
    broken,
    incomplete,
  };
  const rules: CheckedRule[] = [];
  for (const d of decls) {
    if (d.kind !== "RuleDecl") continue;
    const r = checkRule(d, env, rep);
    if (r !== null) rules.push(r);
  }
  return { streams, tables, params, rules };
}

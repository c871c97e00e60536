// Plan stage, the compiler's front door: rule files in, ProgramPlan and diagnostics out. Loads and
// parses every file (with includes), checks the whole program, lowers it. Never throws: an internal
// fault becomes a V2999 "internal compiler error" diagnostic (its stack kept for --debug).
import { checkProgram } from "../dsl/check/check-program.ts";
import type { CheckedProgram } from "../dsl/check/checked.ts";
import { Reporter } from "../dsl/check/report.ts";
import { diagnostic } from "../dsl/diagnostics/catalogue.ts";
import { type Diagnostic, hasErrors, sortDiagnostics } from "../dsl/diagnostics/diagnostic.ts";
import { buildPlan, operatorNames, timeoutSinkName } from "./build-plan.ts";
import { loadSources, type ReadFile, readFileOrUndefined, type SourceInput } from "./load-sources.ts";
import type { ProgramPlan } from "./plan.ts";
import { workerPlanProblems } from "./worker-lanes.ts";

export type { ReadFile, SourceInput } from "./load-sources.ts";

export interface CompileOptions {
  /** How to read files given by path and included files (default: the file system). */
  readonly readFile?: ReadFile;
}

export interface CompileResult {
  /** Null when there is any error. */
  readonly plan: ProgramPlan | null;
  /** Sorted by file and position. */
  readonly diagnostics: readonly Diagnostic[];
  /** Text of every file read, by the name diagnostics use (for rendering). */
  readonly sources: ReadonlyMap<string, string>;
  /** Files checked (given and included). */
  readonly files: readonly string[];
  /** The stack of an internal compiler error, if one happened (for --debug). */
  readonly internalError?: string;
}

/** Operator and store names must be unique across the program (user `named` names may clash). */
function checkUniqueNames(program: CheckedProgram, rep: Reporter): void {
  const seen = new Map<string, string>();
  for (const rule of program.rules) {
    const ops = rule.ops.filter((op) => !(op.kind === "rekey" && op.isSourceKey));
    const names = operatorNames(rule.name, ops);
    const timeoutSinks = ops.flatMap((op, i) =>
      op.kind === "pattern" && op.onTimeout !== null ? [timeoutSinkName(names[i]!)] : [],
    );
    for (const name of [...names, `${rule.name}.sink`, ...timeoutSinks]) {
      const first = seen.get(name);
      if (first !== undefined)
        rep.report("V2006", rule.span, { what: "operator name", name, first: `by rule \`${first}\`` });
      else seen.set(name, rule.name);
    }
  }
}

/**
 * Compiles rule files into a plan, e.g.
 * `compileProgram([{ path: "r.vigil", text: "stream s from topic \"t\" schema { a: int }" }]).plan.streams[0].name === "s"`.
 */
export function compileProgram(inputs: readonly SourceInput[], options: CompileOptions = {}): CompileResult {
  const readFile = options.readFile ?? readFileOrUndefined;
  let sources: ReadonlyMap<string, string> = new Map();
  try {
    const loaded = loadSources(inputs, readFile);
    sources = loaded.texts;
    const rep = new Reporter();
    const checked = checkProgram(loaded.programs, rep, loaded.incomplete);
    checkUniqueNames(checked, rep);
    const built = hasErrors([...loaded.diagnostics, ...rep.diagnostics]) ? null : buildPlan(checked);
    // What `vigil run` would refuse is refused here already (the worker's own, pure test).
    for (const p of built === null ? [] : workerPlanProblems(built)) {
      const rule = checked.rules.find((r) => r.name === p.rule);
      if (rule) rep.report("V2502", rule.span, { message: p.message });
    }
    const diagnostics = sortDiagnostics([...loaded.diagnostics, ...rep.diagnostics]);
    const plan = hasErrors(diagnostics) ? null : built;
    return { plan, diagnostics, sources, files: [...sources.keys()] };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const file =
      [...sources.keys()][0] ?? (typeof inputs[0] === "string" ? inputs[0] : (inputs[0]?.path ?? "<input>"));
    const span = { file, start: 0, end: 0, line: 1, col: 1 };
    const d = diagnostic("V2999", span, { message });
    const stack = e instanceof Error ? (e.stack ?? message) : message;
    return { plan: null, diagnostics: [d], sources, files: [...sources.keys()], internalError: stack };
  }
}

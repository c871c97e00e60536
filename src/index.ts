// `vigil`: the public API. The compiler (rule text to a checked plan, diagnostics, formatting,
// the physical topology) and the embedded runner (a plan over JSONL files or records, no Kafka).
// The testing kit for rule authors is `vigil/testing`; the Kafka worker is the `vigil run` command.

export type { DeadLetter, DeadLetterReason, OutputRecord } from "./core/record.ts";
export type { Row, Value } from "./core/value.ts";
export type { Diagnostic, Severity } from "./dsl/diagnostics/diagnostic.ts";
export { renderDiagnostic, renderDiagnostics, type SourceLookup } from "./dsl/diagnostics/render.ts";
export { type FormatResult, format } from "./dsl/format/format.ts";
export {
  type CompileOptions,
  type CompileResult,
  compileProgram,
  type ReadFile,
  type SourceInput,
} from "./plan/compile.ts";
export { resolveParamOverrides } from "./plan/params.ts";
export type { ProgramPlan, RulePlan, StreamDecl, TableDecl } from "./plan/plan.ts";
export type { EmbeddedInputs } from "./runtime/embedded-inputs.ts";
export type { EmbeddedResult, EmbeddedStats } from "./runtime/embedded-result.ts";
export { type EmbeddedOptions, type EmbeddedProgress, runEmbedded } from "./runtime/embedded-runner.ts";
export { buildTopology, DEFAULT_APP_ID } from "./topology/build-topology.ts";
export { renderTopology, TOPOLOGY_FORMATS, type TopologyFormat } from "./topology/describe.ts";

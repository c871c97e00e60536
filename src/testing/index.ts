// `vigil/testing`: the testing kit for rule authors. Compile rules, pipe records into streams with
// explicit times, end the input, read outputs per topic and dead letters (driver.ts); run example
// test files (test-file/*); generate records from a stream's schema for property tests (property/*).
export {
  type CompiledRules,
  compileRules,
  RulesCompileError,
  type RulesSource,
  ruleLocation,
} from "./compile-rules.ts";
export {
  createTestDriver,
  type PipedRecord,
  type PipeOptions,
  TestDriver,
  type TestDriverOptions,
  toMillis,
} from "./driver.ts";
export {
  arbitrary,
  type Declared,
  declared,
  type FieldHook,
  type RecordConstraints,
} from "./property/arbitrary.ts";
export {
  interleave,
  type TimedEvent,
  type TimelineOptions,
  timeline,
  withinLateness,
} from "./property/events.ts";
export {
  canonical,
  checkAlertForEvery,
  checkNoAlert,
  checkSameAlertsWhateverArrival,
  type PropertyOptions,
  type RunOptions,
  type RunResult,
  runEvents,
} from "./property/properties.ts";
export { compareResults, type FieldDiff, type Mismatch } from "./test-file/compare.ts";
export {
  parseTestFile,
  type TestAdvance,
  type TestCase,
  type TestFile,
  TestFileError,
} from "./test-file/parse.ts";
export { renderCase } from "./test-file/report.ts";
export { type CaseResult, type FileResult, runTestFile } from "./test-file/run-file.ts";

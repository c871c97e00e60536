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

// Testing kit, test files: runs every test of a `.vigil-test` file. The rules are compiled once;
// each test gets a fresh driver, pipes its inputs (advancing event time where the file says), ends the input and compares the results.
import { readFileSync } from "node:fs";
import type { DeadLetter, Origin, OutputRecord } from "../../core/record.ts";
import type { Value } from "../../core/value.ts";
import { type CompiledRules, compileRules } from "../compile-rules.ts";
import { createTestDriver, type TestDriver } from "../driver.ts";
import { compareResults, type Mismatch } from "./compare.ts";
import { parseTestFile, type TestCase, type TestFile, TestFileError } from "./parse.ts";

/** One test's outcome, with what is needed to explain a failure. */
export interface CaseResult {
  readonly test: TestCase;
  readonly mismatches: readonly Mismatch[];
  readonly outputs: readonly OutputRecord[];
  readonly deadLetters: readonly DeadLetter[];
  /** Test-file lines of the inputs an output was built from (its evidence). */
  readonly evidenceLines: (output: OutputRecord) => readonly number[];
  /** The test-file line of the input piped at `origin` (a dead letter's), or null. */
  readonly inputLine: (origin: Origin) => number | null;
}

export interface FileResult {
  readonly file: TestFile;
  /** The test file's lines, to quote inputs in a failure. */
  readonly lines: readonly string[];
  readonly compiled: CompiledRules;
  readonly cases: readonly CaseResult[];
}

/** Parses, compiles and runs a test file. Throws TestFileError (bad file) or RulesCompileError. */
export async function runTestFile(path: string, text = readFileSync(path, "utf8")): Promise<FileResult> {
  const file = parseTestFile(path, text);
  const compiled = compileRules({ files: file.rules });
  for (const t of file.tests) checkNames(file, t, compiled);
  const cases: CaseResult[] = [];
  for (const test of file.tests) cases.push(await runCase(test, compiled));
  return { file, lines: text.split("\n"), compiled, cases };
}

async function runCase(test: TestCase, compiled: CompiledRules): Promise<CaseResult> {
  const driver = await createTestDriver({
    rules: compiled.plan,
    params: test.params,
    partitions: test.partitions,
  });
  // Inputs, `advance to` and `idle` lines run in file order.
  const steps = [
    ...test.advances.map((a) => ({ ...a, run: () => driver.advanceTo(a.at) })),
    ...test.idles.map((i) => ({ ...i, run: () => void driver.idle(i.source, i.forMs) })),
  ].sort((a, b) => a.line - b.line);
  const advanceUpTo = (piped: number): void => {
    while (steps.length > 0 && steps[0]!.afterInputs <= piped) steps.shift()!.run();
  };
  for (const [i, input] of test.inputs.entries()) {
    advanceUpTo(i);
    driver.pipe(input.source, input.row, {
      ...(input.at !== null ? { at: input.at } : {}),
      ...(input.partition !== null ? { partition: input.partition } : {}),
    });
  }
  advanceUpTo(test.inputs.length);
  driver.endOfInput();
  const outputs = driver.outputs();
  const deadLetters = driver.deadLetters();
  return {
    test,
    mismatches: compareResults(test, outputs, deadLetters),
    outputs,
    deadLetters,
    evidenceLines: (o) => evidenceLines(driver, test, o),
    inputLine: (origin) => {
      const i = driver.pipedRecords().findIndex((p) => sameOrigin(p.origin, origin));
      return i < 0 ? null : (test.inputs[i]?.line ?? null);
    },
  };
}

function sameOrigin(a: Origin, b: Origin): boolean {
  return a.topic === b.topic && a.partition === b.partition && a.offset === b.offset;
}

function evidenceLines(driver: TestDriver, test: TestCase, output: OutputRecord): number[] {
  const piped = driver.pipedRecords();
  return driver.evidenceOf(output).map((p) => test.inputs[piped.indexOf(p)]?.line ?? 0);
}

/** Unknown streams and params are mistakes in the test file, not failures of the rules. */
function checkNames(file: TestFile, test: TestCase, compiled: CompiledRules): void {
  const { plan } = compiled;
  const sources = [...plan.streams, ...plan.tables];
  for (const idle of test.idles) {
    if (!plan.streams.some((d) => d.name === idle.source)) {
      const names = plan.streams.map((d) => d.name).join(", ");
      throw new TestFileError(file.path, idle.line, `no stream named ${idle.source} (declared: ${names})`);
    }
  }
  for (const input of test.inputs) {
    if (!sources.some((d) => d.name === input.source || d.topic === input.source)) {
      const names = sources.map((d) => d.name).join(", ");
      throw new TestFileError(
        file.path,
        input.line,
        `no stream or table named ${input.source} (declared: ${names})`,
      );
    }
  }
  const params = new Set(plan.params.map((p) => p.name));
  for (const name of Object.keys(test.params)) {
    if (!params.has(name)) {
      const known = [...params].join(", ") || "none";
      throw new TestFileError(
        file.path,
        test.line,
        `test ${test.name}: no param named ${name} (declared: ${known})`,
      );
    }
  }
}

/** A value as test files write it. */
export function show(v: Value | undefined): string {
  return v === undefined ? "(absent)" : JSON.stringify(v);
}

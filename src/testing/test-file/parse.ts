// Testing kit, test files: parses the `.vigil-test` format (docs/testing.md) into tests. One
// statement per line; `--` and `#` start comment lines. Every error names its file and line.
import { dirname, resolve } from "node:path";
import type { Row, Value } from "../../core/value.ts";
import { expandTimes, parseDate, parseDuration, parseTime } from "./times.ts";

/** A record piped by a test: `in <source> [at <time>] [partition <n>] <json | raw text>`. */
export interface TestInput {
  readonly line: number;
  readonly source: string;
  readonly at: number | null;
  readonly partition: number | null;
  /** A JSON object (merged over the source's defaults), or raw text (`raw ...`, to test bad input). */
  readonly row: Row | string;
}

/** `expect <topic> <json>`: an output on topic whose fields include these; `expect <topic> none`: nothing on topic. */
export interface ExpectedOutput {
  readonly line: number;
  readonly topic: string;
  /** Null for `none`. */
  readonly fields: Row | null;
}

/** `expect dead-letter <reason> [<rule>]`. */
export interface ExpectedDeadLetter {
  readonly line: number;
  readonly reason: string;
  readonly rule: string | null;
}

/** `advance to <time>`: event time moves to `at` with no record, after the first `afterInputs` inputs. */
export interface TestAdvance {
  readonly line: number;
  readonly at: number;
  readonly afterInputs: number;
}

/** `idle <stream> for <duration>`: the stream brought nothing for that long, after `afterInputs` inputs. */
export interface TestIdle {
  readonly line: number;
  readonly source: string;
  readonly forMs: number;
  readonly afterInputs: number;
}

export interface TestCase {
  readonly name: string;
  readonly line: number;
  readonly params: Readonly<Record<string, Value>>;
  readonly partitions: number;
  readonly inputs: readonly TestInput[];
  readonly outputs: readonly ExpectedOutput[];
  readonly deadLetters: readonly ExpectedDeadLetter[];
  readonly advances: readonly TestAdvance[];
  readonly idles: readonly TestIdle[];
}

export interface TestFile {
  readonly path: string;
  /** Rule files, resolved against the test file's folder. */
  readonly rules: readonly string[];
  readonly tests: readonly TestCase[];
}

export class TestFileError extends Error {
  readonly file: string;
  readonly line: number;
  constructor(file: string, line: number, message: string) {
    super(`${file}:${line}: ${message}`);
    this.file = file;
    this.line = line;
  }
}

interface Scope {
  params: Record<string, Value>;
  defaults: Record<string, Row>;
  partitions: number;
}

interface Draft extends Scope {
  name: string;
  line: number;
  inputs: TestInput[];
  outputs: ExpectedOutput[];
  deadLetters: ExpectedDeadLetter[];
  advances: TestAdvance[];
  idles: TestIdle[];
  lastTime: number | null;
}

/** Parses a test file's text; throws TestFileError at the first error. */
export function parseTestFile(path: string, text: string): TestFile {
  const fail: (line: number, message: string) => never = (line, message) => {
    throw new TestFileError(path, line, message);
  };
  const file: Scope = { params: {}, defaults: {}, partitions: 1 };
  let day = Date.UTC(2026, 0, 1);
  let rules: string[] = [];
  const tests: TestCase[] = [];
  let draft: Draft | null = null;
  const close = (): void => {
    if (draft === null) return;
    const { name, line, params, partitions, inputs, outputs, deadLetters, advances, idles } = draft;
    tests.push({ name, line, params, partitions, inputs, outputs, deadLetters, advances, idles });
    draft = null;
  };

  for (const [i, raw] of text.split("\n").entries()) {
    const line = i + 1;
    const stmt = raw.trim();
    if (stmt === "" || stmt.startsWith("--") || stmt.startsWith("#")) continue;
    const [word = "", rest = ""] = splitWord(stmt);
    const scope: Scope = draft ?? file;
    const json = (t: string, what: string): Value => parseJson(t, day, what, (m) => fail(line, m));
    switch (word) {
      case "rules":
        if (draft !== null || tests.length > 0) fail(line, "`rules` goes before the first test");
        if (rest === "") fail(line, "`rules` needs at least one rule file");
        rules = rest.split(/\s+/).map((p) => resolve(dirname(path), p));
        continue;
      case "date": {
        if (draft !== null) fail(line, "`date` goes before the first test");
        const d = parseDate(rest);
        if (d === null) fail(line, `bad date ${rest} (write YYYY-MM-DD)`);
        day = d!;
        continue;
      }
      case "partitions": {
        const n = Number(rest);
        if (!Number.isInteger(n) || n < 1 || n > 64) fail(line, `bad partition count ${rest} (1 to 64)`);
        scope.partitions = n;
        continue;
      }
      case "param": {
        const m = /^([A-Za-z_]\w*)\s*=\s*(.+)$/.exec(rest);
        if (!m) fail(line, "write `param <name> = <json value>`");
        scope.params = { ...scope.params, [m![1]!]: json(m![2]!, "param value") };
        continue;
      }
      case "defaults": {
        const [source = "", body = ""] = splitWord(rest);
        scope.defaults = {
          ...scope.defaults,
          [source]: objectOf(json(body, "defaults"), (m) => fail(line, m)),
        };
        continue;
      }
      case "test":
        close();
        if (rules.length === 0) fail(line, "no `rules <file>` line before the first test");
        if (rest === "") fail(line, "a test needs a name: `test <name>`");
        draft = {
          ...file,
          name: rest,
          line,
          inputs: [],
          outputs: [],
          deadLetters: [],
          advances: [],
          idles: [],
          lastTime: null,
        };
        continue;
      case "in":
        if (draft === null) fail(line, "`in` goes inside a test");
        draft.inputs.push(parseInput(rest, line, day, draft, json, (m) => fail(line, m)));
        continue;
      case "advance": {
        if (draft === null) fail(line, "`advance` goes inside a test");
        const [to = "", t = ""] = splitWord(rest);
        const at = to === "to" ? parseTime(t, day, draft.lastTime) : null;
        if (at === null)
          fail(line, "write `advance to <time>` (10:05, 10:05:30, +90s, 2026-03-01T10:05:00Z or epoch ms)");
        draft.advances.push({ line, at: at!, afterInputs: draft.inputs.length });
        draft.lastTime = at;
        continue;
      }
      case "idle": {
        if (draft === null) fail(line, "`idle` goes inside a test");
        const m = /^(\S+)\s+for\s+(\S+)$/.exec(rest);
        const forMs = m ? parseDuration(m[2]!) : null;
        if (m === null || forMs === null) fail(line, "write `idle <stream> for <duration>` (90s, 5m, 1h)");
        draft.idles.push({ line, source: m![1]!, forMs: forMs!, afterInputs: draft.inputs.length });
        continue;
      }
      case "expect":
        if (draft === null) fail(line, "`expect` goes inside a test");
        parseExpect(rest, line, draft, json, (m) => fail(line, m));
        continue;
      default:
        fail(
          line,
          `unknown statement \`${word}\` (rules, date, partitions, param, defaults, test, in, advance, idle, expect)`,
        );
    }
  }
  close();
  if (rules.length === 0) fail(1, "no `rules <file>` line");
  if (tests.length === 0) fail(1, "no tests (start one with `test <name>`)");
  return { path, rules, tests };
}

type JsonOf = (text: string, what: string) => Value;

function parseInput(
  rest: string,
  line: number,
  day: number,
  draft: Draft,
  json: JsonOf,
  fail: (m: string) => never,
): TestInput {
  let [source = "", tail = ""] = splitWord(rest);
  if (source === "") fail("write `in <stream> [at <time>] [partition <n>] <json>`");
  let at: number | null = null;
  let partition: number | null = null;
  for (;;) {
    const [word = "", after = ""] = splitWord(tail);
    if (word === "at") {
      const [t = "", next = ""] = splitWord(after);
      at = parseTime(t, day, draft.lastTime);
      if (at === null) fail(`bad time ${t} (write 10:05, 10:05:30, +90s, 2026-03-01T10:05:00Z or epoch ms)`);
      draft.lastTime = at;
      tail = next;
    } else if (word === "partition") {
      const [p = "", next = ""] = splitWord(after);
      partition = Number(p);
      if (!Number.isInteger(partition) || partition < 0) fail(`bad partition ${p}`);
      if (partition >= draft.partitions)
        fail(`partition ${p} out of range: the test has ${draft.partitions}`);
      tail = next;
    } else break;
  }
  if (tail.startsWith("raw ")) return { line, source, at, partition, row: tail.slice(4) };
  const row = objectOf(json(tail, "input record"), fail);
  return { line, source, at, partition, row: { ...(draft.defaults[source] ?? {}), ...row } };
}

function parseExpect(
  rest: string,
  line: number,
  draft: Draft,
  json: JsonOf,
  fail: (m: string) => never,
): void {
  const [topic = "", tail = ""] = splitWord(rest);
  if (topic === "dead-letter") {
    const [reason = "", rule = ""] = tail.split(/\s+/);
    const reasons = ["decode-error", "schema-mismatch", "late-record", "operator-error"];
    if (!reasons.includes(reason)) fail(`bad dead-letter reason ${reason} (${reasons.join(", ")})`);
    draft.deadLetters.push({ line, reason, rule: rule === "" ? null : rule });
    return;
  }
  if (topic === "" || tail === "")
    fail("write `expect <topic> <json>`, `expect <topic> none` or `expect dead-letter <reason> [<rule>]`");
  const fields = tail === "none" ? null : objectOf(json(tail, "expected output"), fail);
  draft.outputs.push({ line, topic, fields });
}

function parseJson(text: string, day: number, what: string, fail: (m: string) => never): Value {
  let expanded: string;
  try {
    expanded = expandTimes(text, day);
  } catch (e) {
    return fail((e as Error).message);
  }
  try {
    return JSON.parse(expanded) as Value;
  } catch (e) {
    return fail(`${what} is not JSON: ${(e as Error).message}`);
  }
}

function objectOf(v: Value, fail: (m: string) => never): Row {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return fail("expected a JSON object { ... }");
  return v as Row;
}

/** The first word and the rest, trimmed. */
function splitWord(text: string): [string, string] {
  const m = /^(\S+)\s*(.*)$/s.exec(text.trim());
  return m ? [m[1]!, m[2]!.trim()] : ["", ""];
}

// Testing kit, test files: renders a failed test as a readable diff: each expected output against
// the closest actual one (the fields that differ), unexpected outputs and dead letters, and for each
// actual output the rule that emitted it and the input lines it was built from.
import { relative } from "node:path";
import type { OutputRecord } from "../../core/record.ts";
import type { Value } from "../../core/value.ts";
import { ruleLocation } from "../compile-rules.ts";
import type { Mismatch } from "./compare.ts";
import type { CaseResult, FileResult } from "./run-file.ts";
import { show } from "./run-file.ts";

/** `PASS file:line name` or `FAIL file:line name` followed by the diff. */
export function renderCase(file: FileResult, result: CaseResult, cwd = process.cwd()): string {
  const where = `${relative(cwd, file.file.path)}:${result.test.line}`;
  if (result.mismatches.length === 0) return `PASS ${where} ${result.test.name}`;
  const lines = [`FAIL ${where} ${result.test.name}`];
  for (const m of result.mismatches) lines.push(...renderMismatch(file, result, m, cwd).map((l) => `  ${l}`));
  return lines.join("\n");
}

function renderMismatch(file: FileResult, result: CaseResult, m: Mismatch, cwd: string): string[] {
  switch (m.kind) {
    case "missing": {
      const head = `expect ${m.expected.topic} (line ${m.expected.line}): no output matches`;
      const lines = [head, `- expected: ${show(m.expected.fields!)}`];
      if (m.closest === null) return [...lines, `+ actual:   nothing on ${m.expected.topic}`];
      lines.push(`+ actual:   ${show(m.closest.value)}`);
      for (const d of m.diffs)
        lines.push(`  ${d.field}: expected ${withTime(d.expected)}, got ${withTime(d.actual)}`);
      return [...lines, ...provenance(file, result, m.closest, cwd)];
    }
    case "unexpected":
      return [
        `unexpected output on ${m.actual.topic}:`,
        `+ actual:   ${show(m.actual.value)}`,
        ...provenance(file, result, m.actual, cwd),
      ];
    case "missing-dead-letter":
      return [
        `expect dead-letter (line ${m.expected.line}): no dead letter ${m.expected.reason}${m.expected.rule ? ` for rule ${m.expected.rule}` : ""}`,
      ];
    case "unexpected-dead-letter": {
      const d = m.actual;
      const input = result.inputLine(d.origin);
      return [
        `unexpected dead letter ${d.reason}${d.rule ? ` (rule ${d.rule})` : ""}: ${d.message}`,
        ...(input ? [`  from input line ${input}: ${file.lines[input - 1]!.trim()}`] : []),
      ];
    }
  }
}

/** The rule behind an output (with its file:line) and the input lines it was built from. */
function provenance(file: FileResult, result: CaseResult, output: OutputRecord, cwd: string): string[] {
  const loc = ruleLocation(file.compiled.sources, output.rule);
  const lines = [`  from rule ${output.rule}${loc ? ` (${relativeLocation(loc, cwd)})` : ""}`];
  const evidence = result.evidenceLines(output).filter((l) => l > 0);
  if (output.evidence?.kind === "range") {
    lines.push(`  over ${output.evidence.count} input events, the first and last:`);
  } else if (evidence.length > 0) lines.push("  built from:");
  for (const l of evidence) lines.push(`    line ${l}: ${file.lines[l - 1]!.trim()}`);
  return lines;
}

/** A value, and when it looks like an epoch-ms time (years 2000 to 2100), the time it stands for. */
function withTime(v: Value | undefined): string {
  const isTime =
    typeof v === "number" && Number.isInteger(v) && v >= 946_684_800_000 && v < 4_102_444_800_000;
  return isTime ? `${v} (${new Date(v).toISOString()})` : show(v);
}

function relativeLocation(loc: string, cwd: string): string {
  const i = loc.lastIndexOf(":");
  return `${relative(cwd, loc.slice(0, i))}${loc.slice(i)}`;
}

// CLI stage, `vigil replay`: where the alerts and dead letters go. The files are opened before
// the run (a bad --out path fails at once, not after the run); `-` is stdout. Alerts as JSONL
// (canonical order, one JSON object per line) or CSV (time, topic, rule, key, then the payload
// fields in order of first appearance); dead letters as JSONL with the file line they came from.
import { closeSync, openSync, writeSync } from "node:fs";
import type { DeadLetter, OutputRecord } from "../../core/record.ts";
import type { Value } from "../../core/value.ts";
import { readFailure } from "../shared/rules-files.ts";

export type AlertFormat = "jsonl" | "csv";
export const ALERT_FORMATS: readonly AlertFormat[] = ["jsonl", "csv"];

/** An output opened before the run: fd 1 for `-`. */
export interface OpenedOutput {
  readonly path: string;
  readonly fd: number;
}

/** Opens `path` for writing (truncating), or names why it cannot be. */
export function openOutput(path: string, what: string): OpenedOutput | string {
  if (path === "-") return { path, fd: 1 };
  try {
    return { path, fd: openSync(path, "w") };
  } catch (e) {
    return `cannot write ${what} ${path}: ${readFailure(e)}`;
  }
}

/** Writes `lines` in chunks (a large output is never one string) and closes a file. */
function writeLines(out: OpenedOutput, lines: Iterable<string>): void {
  let chunk: string[] = [];
  let bytes = 0;
  const flush = () => {
    if (chunk.length > 0) writeSync(out.fd, `${chunk.join("\n")}\n`);
    chunk = [];
    bytes = 0;
  };
  for (const line of lines) {
    chunk.push(line);
    bytes += line.length;
    if (bytes > 1 << 20) flush();
  }
  flush();
  if (out.fd !== 1) closeSync(out.fd);
}

export function writeAlerts(out: OpenedOutput, alerts: readonly OutputRecord[], format: AlertFormat): void {
  writeLines(out, format === "csv" ? csvLines(alerts) : alerts.map((a) => JSON.stringify(a)));
}

function* csvLines(alerts: readonly OutputRecord[]): Iterable<string> {
  const fields: string[] = [];
  const known = new Set<string>();
  for (const a of alerts)
    for (const f of Object.keys(a.value))
      if (!known.has(f)) {
        known.add(f);
        fields.push(f);
      }
  yield ["timestamp", "topic", "rule", "key", ...fields].map(csvCell).join(",");
  for (const a of alerts) {
    const row: (Value | undefined)[] = [
      a.timestamp,
      a.topic,
      a.rule,
      a.key,
      ...fields.map((f) => a.value[f]),
    ];
    yield row.map(csvCell).join(",");
  }
}

/** RFC 4180: quoted when it holds a comma, quote or line break; absent and null are empty. */
function csvCell(v: Value | undefined): string {
  if (v === undefined || v === null) return "";
  const text = typeof v === "object" ? JSON.stringify(v) : String(v);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One JSON line per dead letter, with `file` and `line` when it came from an input file. */
export function writeDeadLetters(
  out: OpenedOutput,
  letters: readonly DeadLetter[],
  fileLine: (d: DeadLetter) => { file: string; line: number } | null,
): void {
  writeLines(
    out,
    letters.map((d) =>
      JSON.stringify({
        reason: d.reason,
        rule: d.rule,
        message: d.message,
        topic: d.origin.topic,
        partition: d.origin.partition,
        offset: d.origin.offset,
        ...(fileLine(d) ?? {}),
      }),
    ),
  );
}

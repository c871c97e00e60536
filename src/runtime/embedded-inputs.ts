// Runtime stage: loads the embedded runner's inputs (JSONL files or in-memory records) into a
// partitioned log, placing each record by its stream's key field with Kafka's partitioner.
import { readFileSync } from "node:fs";
import type { Row, Value } from "../core/value.ts";
import type { ProgramPlan } from "../plan/plan.ts";
import { decodeTimestamp } from "./decode.ts";
import { createPartitionedLog, type PartitionedLog } from "./partitioned-log.ts";
import { keyString } from "./segment-chain.ts";

/** Inputs by stream or table name (or topic): JSONL file paths, records in memory, or a ready log. */
export type EmbeddedInputs =
  | { readonly files: Readonly<Record<string, string>> }
  | { readonly records: Readonly<Record<string, readonly (string | Row)[]>> }
  | { readonly log: PartitionedLog };

/**
 * A log holding every declared stream and table topic with `partitions` partitions. A line is keyed
 * by its key field (String of the value, or null when absent or not JSON: such lines are spread
 * round-robin); its log timestamp is its event time when it has one, else 0.
 */
export function loadInputs(plan: ProgramPlan, inputs: EmbeddedInputs, partitions: number): PartitionedLog {
  if ("log" in inputs) return inputs.log;
  const log = createPartitionedLog();
  const decls = [
    ...plan.tables.map((t) => ({
      name: t.name,
      topic: t.topic,
      keyField: t.keyField,
      timeField: t.timeField,
    })),
    ...plan.streams.map((s) => ({
      name: s.name,
      topic: s.topic,
      keyField: s.keyField,
      timeField: s.timeField,
    })),
  ];
  // One topic, one content: from the first declaration on it whose input was given (a table and a
  // stream may both read a topic, and either name may be the one the input is filed under).
  const chosen = new Map<string, { d: (typeof decls)[number]; lines: readonly (string | Row)[] }>();
  for (const d of decls) {
    if ((chosen.get(d.topic)?.lines.length ?? 0) > 0) continue;
    chosen.set(d.topic, { d, lines: linesOf(inputs, d.name, d.topic) });
  }
  for (const { d, lines } of chosen.values()) {
    log.createTopic(d.topic, partitions);
    for (const line of lines) appendLine(log, d, line, 0);
  }
  return log;
}

/** What placing a record needs of its declaration. */
export interface PlacedDecl {
  readonly topic: string;
  readonly keyField: string | null;
  readonly timeField: string | null;
}

/**
 * Appends one input line to its topic: keyed by the key field, log timestamp its event time, else
 * `fallbackTime` (0 for files; a chained rule's output keeps its own timestamp, as on Kafka).
 */
export function appendLine(
  log: PartitionedLog,
  d: PlacedDecl,
  line: string | Row,
  fallbackTime: number,
): void {
  const text = typeof line === "string" ? line : JSON.stringify(line);
  const row = typeof line === "string" ? tryParse(text) : line;
  const keyValue = row && d.keyField ? row[d.keyField] : undefined;
  const key = keyValue === undefined || keyValue === null ? null : keyString([keyValue]);
  const t = row && d.timeField ? decodeTimestamp(row[d.timeField]) : null;
  log.append(d.topic, key, text, t ?? fallbackTime);
}

/** True when an input was given for a stream or table (by name or topic), without reading a file. */
export function hasInput(inputs: EmbeddedInputs, name: string, topic: string): boolean {
  if ("records" in inputs) return (inputs.records[name] ?? inputs.records[topic] ?? []).length > 0;
  if ("files" in inputs) return (inputs.files[name] ?? inputs.files[topic]) !== undefined;
  return true;
}

/** The input given for a stream or table (by name, else topic); [] when none (or for a ready log). */
export function linesOf(inputs: EmbeddedInputs, name: string, topic: string): readonly (string | Row)[] {
  if ("records" in inputs) return inputs.records[name] ?? inputs.records[topic] ?? [];
  if ("files" in inputs) {
    const path = inputs.files[name] ?? inputs.files[topic];
    if (path === undefined) return [];
    return readFileSync(path, "utf8")
      .split("\n")
      .filter((l) => l.trim() !== "");
  }
  return [];
}

function tryParse(text: string): Row | null {
  try {
    const v = JSON.parse(text) as Value;
    return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Row) : null;
  } catch {
    return null;
  }
}

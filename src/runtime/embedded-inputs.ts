// Runtime stage: the embedded runner's inputs: JSONL files streamed through a StreamingLog, or
// in-memory records loaded into a partitioned log, each record placed by its stream's key field
// with Kafka's partitioner.
import { readFileSync } from "node:fs";
import type { Row } from "../core/value.ts";
import type { ProgramPlan } from "../plan/plan.ts";
import { taskGroups } from "../plan/task-groups.ts";
import { type InputDecl, keyAndTime, tryParse } from "./file-topic.ts";
import { createPartitionedLog, type PartitionedLog } from "./partitioned-log.ts";
import { createStreamingLog, type StreamingLog } from "./streaming-log.ts";

/**
 * Inputs by stream or table name (or topic): JSONL file paths (read as the tasks need them, in
 * bounded memory; `onOpen` gets the log, whose progress() tells how far each file was read),
 * records in memory, or a ready log.
 */
export type EmbeddedInputs =
  | { readonly files: Readonly<Record<string, string>>; readonly onOpen?: (log: StreamingLog) => void }
  | { readonly records: Readonly<Record<string, readonly (string | Row)[]>> }
  | { readonly log: PartitionedLog };

/**
 * A log holding every declared stream and table topic with `partitions` partitions. A line is keyed
 * by its key field (String of the value, or null when absent or not JSON: such lines are spread
 * round-robin); its log timestamp is its event time when it has one, else 0.
 */
export function loadInputs(plan: ProgramPlan, inputs: EmbeddedInputs, partitions: number): PartitionedLog {
  if ("log" in inputs) return inputs.log;
  if ("files" in inputs) return openFiles(plan, inputs, partitions);
  const log = createPartitionedLog();
  const decls = inputDecls(plan);
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
  const { key, timestamp } = keyAndTime(typeof line === "string" ? tryParse(text) : line, d);
  log.append(d.topic, key, text, timestamp ?? fallbackTime);
}

/** Tables first, then streams: the declaration of a topic whose input was given first wins. */
function inputDecls(plan: ProgramPlan): InputDecl[] {
  return [...plan.tables, ...plan.streams].map((d) => ({
    name: d.name,
    topic: d.topic,
    keyField: d.keyField,
    timeField: d.timeField,
  }));
}

/** A streaming log over the input files; declared topics without a file are empty topics. */
function openFiles(
  plan: ProgramPlan,
  inputs: { readonly files: Readonly<Record<string, string>>; readonly onOpen?: (log: StreamingLog) => void },
  partitions: number,
): StreamingLog {
  const files = new Map<string, { decl: InputDecl; path: string }>();
  for (const d of inputDecls(plan)) {
    const path = inputs.files[d.name] ?? inputs.files[d.topic];
    if (path !== undefined && !files.has(d.topic)) files.set(d.topic, { decl: d, path });
  }
  const groups = taskGroups(plan);
  const readers = (topic: string): number => groups.filter((g) => g.topics.includes(topic)).length;
  const log = createStreamingLog(files, partitions, readers);
  for (const d of inputDecls(plan)) if (!log.hasTopic(d.topic)) log.createTopic(d.topic, partitions);
  inputs.onOpen?.(log);
  return log;
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

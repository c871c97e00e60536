// Kafka I/O stage: a record too large for its topic. An output or repartition record whose batch of
// one would exceed the topic's max.message.bytes can never be written: retrying would abort the
// transaction forever. It becomes a dead letter (reason `record-too-large`) in the same transaction,
// in its place, so the task's offsets and the rest of its output commit. A changelog record cannot
// be dropped without losing state: that is an error naming the topic and the setting to raise.
import type { Evidence, Origin } from "../core/record.ts";
import { DEFAULT_MAX_MESSAGE_BYTES, fitsAlone, recordBytes } from "./record-size.ts";
import { HEADERS, serializeDeadLetter } from "./serdes.ts";
import type { TopicRecord } from "./task-producer.ts";
import type { TaskLayout, WorkerLog } from "./worker-layout.ts";

/** How much of the record a dead letter keeps (characters of its value): enough to recognise it. */
const KEPT_CHARS = 16_384;

export interface OversizeRules {
  readonly maxMessageBytes: (topic: string) => number;
  readonly deadLetterTopic: string;
  readonly deadLetterPartition: number;
  /** Topics whose records must not be dropped (changelogs). */
  readonly mustKeep: ReadonlySet<string>;
  readonly task: string;
  readonly log: WorkerLog;
}

/** The rules of task `partition` of a layout. */
export function oversizeRules(layout: TaskLayout, partition: number, log: WorkerLog): OversizeRules {
  return {
    maxMessageBytes: (t) => layout.maxMessageBytes.get(t) ?? DEFAULT_MAX_MESSAGE_BYTES,
    deadLetterTopic: layout.deadLetterTopic,
    deadLetterPartition: partition % layout.deadLetterPartitions,
    mustKeep: new Set(layout.changelogs.values()),
    task: `${layout.taskPrefix}${partition}`,
    log,
  };
}

/** The input record an output came from, by its evidence (the last event); else its own place. */
function originOf(r: TopicRecord): Origin {
  const raw = r.record.headers?.[HEADERS.evidence];
  if (raw !== undefined) {
    const ev = JSON.parse(raw) as Evidence;
    const last = ev.kind === "range" ? ev.last : ev.events[ev.events.length - 1];
    if (last !== undefined) return last;
  }
  return { topic: r.topic, partition: r.record.partition ?? 0, offset: -1 };
}

/** Replaces each record that cannot fit its topic by a `record-too-large` dead letter. */
export function divertOversized(records: readonly TopicRecord[], rules: OversizeRules): TopicRecord[] {
  return records.map((r) => {
    const limit = rules.maxMessageBytes(r.topic);
    if (fitsAlone(r.record, limit)) return r;
    const bytes = recordBytes(r.record);
    const where = `'${r.topic}' partition ${r.record.partition ?? 0}`;
    if (rules.mustKeep.has(r.topic)) {
      throw new Error(
        `a state change of ${bytes} bytes does not fit changelog ${where} (max.message.bytes ${limit}): raise the topic's max.message.bytes`,
      );
    }
    rules.log("task.record-too-large", { task: rules.task, topic: r.topic, bytes, limit });
    const value = r.record.value ?? "";
    const letter = (kept: number) => ({
      topic: rules.deadLetterTopic,
      record: serializeDeadLetter(
        {
          reason: "record-too-large",
          message: `a record of ${bytes} bytes for ${where} is over its max.message.bytes (${limit}); this dead letter keeps the first ${kept} characters of its value`,
          rule: r.record.headers?.[HEADERS.rule] ?? null,
          origin: originOf(r),
          raw: value.slice(0, kept),
          timestamp: Number(r.record.timestamp ?? 0),
        },
        rules.deadLetterPartition,
      ),
    });
    const full = letter(Math.min(value.length, KEPT_CHARS));
    return fitsAlone(full.record, rules.maxMessageBytes(rules.deadLetterTopic)) ? full : letter(0);
  });
}

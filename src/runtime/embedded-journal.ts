// Runtime stage: what the embedded runner keeps next to the task stores so a stopped run can resume:
// the committed outputs, dead letters and repartition records, appended once per commit (JSONL).
import { appendFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { DeadLetter, OutputRecord } from "../core/record.ts";

/** One committed item: an output or dead letter of a task, or a record appended to a repartition channel. */
export type JournalEntry =
  | { readonly kind: "out"; readonly task: string; readonly record: OutputRecord }
  | { readonly kind: "dead"; readonly task: string; readonly letter: DeadLetter }
  | {
      readonly kind: "rep";
      readonly topic: string;
      readonly partition: number;
      readonly key: string | null;
      readonly value: string;
      readonly timestamp: number;
    };

export interface EmbeddedJournal {
  /** Entries committed by earlier runs, in commit order. */
  load(): JournalEntry[];
  /** Appends the entries of one commit. */
  append(entries: readonly JournalEntry[]): void;
}

/** A journal in `<stateDir>/journal.jsonl`, or in memory when stateDir is undefined. */
export function openJournal(stateDir: string | undefined): EmbeddedJournal {
  if (stateDir === undefined) {
    // In memory nothing is resumed, so repartition records (already in the log) are not kept twice.
    const kept: JournalEntry[] = [];
    return {
      load: () => [...kept],
      append: (entries) => {
        for (const e of entries) if (e.kind !== "rep") kept.push(e);
      },
    };
  }
  mkdirSync(stateDir, { recursive: true });
  const file = join(stateDir, "journal.jsonl");
  return {
    load() {
      if (!existsSync(file)) return [];
      return readFileSync(file, "utf8")
        .split("\n")
        .filter((l) => l !== "")
        .map((l) => JSON.parse(l) as JournalEntry);
    },
    append(entries) {
      if (entries.length === 0) return;
      appendFileSync(file, `${entries.map((e) => JSON.stringify(e)).join("\n")}\n`);
    },
  };
}

// Runtime stage: a task's counters, in one place and cheap (plain integers per rule and per reason).
import type { DeadLetter } from "../core/record.ts";
import type { TaskStats } from "./task-api.ts";

export interface TaskCounters {
  input(): void;
  ruleInput(rule: string): void;
  output(rule: string): void;
  deadLetter(letter: DeadLetter): void;
  snapshot(pendingTimers: number): TaskStats;
}

export function createTaskCounters(): TaskCounters {
  let recordsIn = 0;
  const outputs: Record<string, number> = {};
  const inputs: Record<string, number> = {};
  const reasons: Record<string, number> = {};
  const late: Record<string, number> = {};
  const bump = (m: Record<string, number>, k: string): void => {
    m[k] = (m[k] ?? 0) + 1;
  };
  return {
    input: () => {
      recordsIn++;
    },
    ruleInput: (rule) => bump(inputs, rule),
    output: (rule) => bump(outputs, rule),
    deadLetter(letter) {
      bump(reasons, letter.reason);
      if (letter.reason === "late-record") bump(late, letter.rule ?? "");
    },
    snapshot: (pendingTimers) => ({
      recordsIn,
      inputsByRule: { ...inputs },
      outputsByRule: { ...outputs },
      deadLettersByReason: { ...reasons },
      lateByRule: { ...late },
      pendingTimers,
    }),
  };
}

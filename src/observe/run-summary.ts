// Observe stage: the end-of-run metrics of an embedded `vigil replay`, under the names a worker's
// /metrics exports (docs/operations.md), so a replay and a Kafka run read the same way.
import type { CountsDelta } from "./worker-state.ts";

/** Counts of a run: what TaskStats sums to (EmbeddedStats has these fields). */
export type RunCounts = CountsDelta;

function labelled(name: string, label: string, m: Readonly<Record<string, number>>): [string, number][] {
  return Object.entries(m)
    .sort((a, b) => a[0].localeCompare(b[0]))
    .map(([k, n]) => [`${name}{${label}="${k}"}`, n]);
}

/** The summary lines: one metric per line, aligned; plus the input rate over `seconds`. */
export function metricsSummary(counts: RunCounts, seconds: number): string[] {
  const rows: [string, number][] = [
    ["vigil_records_in_total", counts.recordsIn],
    ...labelled("vigil_rule_records_in_total", "rule", counts.inputsByRule),
    ...labelled("vigil_rule_records_out_total", "rule", counts.outputsByRule),
    ...labelled("vigil_dead_letters_total", "reason", counts.deadLettersByReason),
    ...labelled("vigil_late_records_total", "rule", counts.lateByRule),
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  const rate = seconds > 0 ? Math.round(counts.recordsIn / seconds) : 0;
  return [
    `Metrics (the names \`vigil run --http\` exports; ${rate.toLocaleString("en-US")} records in per second):`,
    ...rows.map(([k, n]) => `  ${k.padEnd(width)}  ${n.toLocaleString("en-US")}`),
  ];
}

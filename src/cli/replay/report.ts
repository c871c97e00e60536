// CLI stage, `vigil replay`: what the run prints: a sample of alerts, the per-rule summary table
// (alerts, precision and recall against the labels) and the dead letters by reason.
import type { DeadLetter, OutputRecord } from "../../core/record.ts";
import type { RecordSchema } from "../../core/schema.ts";
import type { Value } from "../../core/value.ts";
import type { RulePlan } from "../../plan/plan.ts";
import type { RuleScore } from "./score.ts";

/** `1772409884994` -> `2026-03-02T00:04:44Z`. */
export function isoTime(ms: number): string {
  return Number.isFinite(ms) ? new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z") : String(ms);
}

function formatValue(v: Value, timestamp: boolean): string {
  if (timestamp && typeof v === "number") return isoTime(v);
  if (typeof v === "number") return Number.isInteger(v) ? String(v) : String(Math.round(v * 100) / 100);
  return typeof v === "string" ? v : JSON.stringify(v);
}

/** One alert on one line: time, rule, key, then its payload (timestamps as ISO). */
export function formatAlert(a: OutputRecord, schema: RecordSchema | undefined, ruleWidth: number): string {
  const isTime = (f: string): boolean => schema?.fields.find((x) => x.name === f)?.type.kind === "timestamp";
  const fields = Object.entries(a.value)
    .filter(([k]) => k !== "rule")
    .map(([k, v]) => `${k}=${formatValue(v, isTime(k))}`);
  return `  ${isoTime(a.timestamp)}  ${a.rule.padEnd(ruleWidth)}  ${(a.key ?? "-").padEnd(10)}  ${fields.join(" ")}`;
}

/** Up to `n` alerts, the earliest of each rule first (round-robin over rules), in time order. */
export function sampleAlerts(alerts: readonly OutputRecord[], n: number): OutputRecord[] {
  // Only the first n of each rule can be picked: lists stop growing there (linear in the alerts).
  const byRule = new Map<string, OutputRecord[]>();
  for (const a of alerts) {
    const list = byRule.get(a.rule);
    if (list === undefined) byRule.set(a.rule, [a]);
    else if (list.length < n) list.push(a);
  }
  const picked: OutputRecord[] = [];
  for (let round = 0; picked.length < n && round < alerts.length; round++) {
    let any = false;
    for (const list of byRule.values()) {
      const a = list[round];
      if (a === undefined || picked.length >= n) continue;
      picked.push(a);
      any = true;
    }
    if (!any) break;
  }
  return picked.sort((a, b) => a.timestamp - b.timestamp || (a.rule < b.rule ? -1 : 1));
}

export function alertSample(
  alerts: readonly OutputRecord[],
  rules: readonly RulePlan[],
  n: number,
): string[] {
  if (n === 0 || alerts.length === 0) return [];
  const width = Math.max(...rules.map((r) => r.name.length));
  const schemas = new Map(rules.map((r) => [r.name, r.sink.outputSchema]));
  const sample = sampleAlerts(alerts, n);
  return [
    `Sample alerts (${sample.length} of ${alerts.length}, the first of each rule):`,
    ...sample.map((a) => formatAlert(a, schemas.get(a.rule), width)),
  ];
}

const pct = (x: number | null): string => (x === null ? "-" : `${(100 * x).toFixed(1)}%`);

/** The per-rule table; with labels: true positives, precision, incidents, detected, recall. */
export function summaryTable(scores: readonly RuleScore[], withLabels: boolean): string[] {
  const head = withLabels
    ? ["rule", "alerts", "true pos", "precision", "incidents", "detected", "recall"]
    : ["rule", "alerts"];
  // The total precision counts the alerts of labelled rules only (the others have none to show).
  const total = scores.reduce(
    (t, s) => ({
      a: t.a + s.alerts,
      la: t.la + (s.incidents > 0 ? s.alerts : 0),
      tp: t.tp + s.truePositives,
      i: t.i + s.incidents,
      d: t.d + s.detected,
    }),
    { a: 0, la: 0, tp: 0, i: 0, d: 0 },
  );
  const row = (s: RuleScore): string[] =>
    withLabels
      ? [
          s.rule,
          `${s.alerts}`,
          `${s.truePositives}`,
          pct(s.precision),
          `${s.incidents}`,
          `${s.detected}`,
          pct(s.recall),
        ]
      : [s.rule, `${s.alerts}`];
  const totals = withLabels
    ? [
        "total",
        `${total.a}`,
        `${total.tp}`,
        pct(total.la ? total.tp / total.la : null),
        `${total.i}`,
        `${total.d}`,
        pct(total.i ? total.d / total.i : null),
      ]
    : ["total", `${total.a}`];
  return table([head, ...scores.map(row), totals]);
}

/** Left-aligned first column, right-aligned numbers, a rule under the header and above the total. */
function table(rows: readonly string[][]): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const line = (r: readonly string[]): string =>
    `  ${r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join("  ")}`;
  const sep = `  ${widths.map((w) => "-".repeat(w)).join("  ")}`;
  return [line(rows[0]!), sep, ...rows.slice(1, -1).map(line), sep, line(rows[rows.length - 1]!)];
}

/**
 * Each dead letter once: when two task groups read one stream, both decode its bad line and report
 * the same letter (same reason, origin, rule and message).
 */
export function uniqueDeadLetters(letters: readonly DeadLetter[]): DeadLetter[] {
  const seen = new Set<string>();
  return letters.filter((d) => {
    const id = JSON.stringify([
      d.reason,
      d.origin.topic,
      d.origin.partition,
      d.origin.offset,
      d.rule,
      d.message,
    ]);
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

/** Where a dead letter came from: `topic[partition]@offset` unless `where` knows better (a file line). */
export type OriginText = (d: DeadLetter) => string;

const offsetText: OriginText = (d) => `${d.origin.topic}[${d.origin.partition}]@${d.origin.offset}`;

/** Dead letters by reason, each with its first example (linear in the letters). */
export function deadLetterLines(letters: readonly DeadLetter[], where: OriginText = offsetText): string[] {
  if (letters.length === 0) return ["Dead letters: none"];
  const byReason = new Map<string, { first: DeadLetter; count: number }>();
  for (const d of letters) {
    const entry = byReason.get(d.reason);
    if (entry === undefined) byReason.set(d.reason, { first: d, count: 1 });
    else entry.count++;
  }
  const counts = [...byReason].map(([r, e]) => `${r} ${e.count}`).join(", ");
  const lines = [`Dead letters: ${letters.length} (${counts})`];
  for (const [reason, { first: d }] of byReason)
    lines.push(`  ${reason}: ${where(d)}${d.rule === null ? "" : ` (rule ${d.rule})`}: ${d.message}`);
  return lines;
}

/** Which incidents no alert caught, and how many of them were labelled evasive. */
export function missedLine(scores: readonly RuleScore[]): string[] {
  const missed = scores.flatMap((s) => s.missed);
  if (missed.length === 0) return [];
  const evasive = missed.filter((l) => l.evasive === true).length;
  const byRule = scores
    .filter((s) => s.missed.length > 0)
    .map((s) => `${s.rule} ${s.missed.length}`)
    .join(", ");
  const note =
    evasive > 0 ? `; ${evasive} of them labelled evasive (shaped to stay under the rule's threshold)` : "";
  return [`Missed incidents: ${missed.length} (${byRule})${note}`];
}

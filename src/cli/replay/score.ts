// CLI stage, `vigil replay`: scores alerts against labelled incidents. An alert matches a label when
// the label's scenario is the alert's rule, the keys agree, and the alert's time lies in
// [start, end + the rule's time bound] (its window, `within`, or join bound).
import type { OutputRecord } from "../../core/record.ts";
import type { Value } from "../../core/value.ts";
import type { RulePlan } from "../../plan/plan.ts";

/** One labelled incident (a line of labels.jsonl). */
export interface IncidentLabel {
  readonly scenario: string;
  readonly key: string;
  readonly start: number;
  readonly end: number;
  readonly event_ids?: readonly string[];
  /** The generator's mark for an incident shaped to stay under the rule's threshold. */
  readonly evasive?: boolean;
}

export interface RuleScore {
  readonly rule: string;
  readonly alerts: number;
  /** Alerts that match at least one label of the rule. */
  readonly truePositives: number;
  readonly incidents: number;
  /** Labels matched by at least one alert. */
  readonly detected: number;
  /** Null when there is nothing to divide by. */
  readonly precision: number | null;
  readonly recall: number | null;
  /** Labels no alert matched. */
  readonly missed: readonly IncidentLabel[];
}

/** Payload fields an alert may carry its key in, when the output record has no key. */
const KEY_FIELDS = ["card_id", "customer_id", "device_id", "account"];

/** The longest time bound of a rule (window size, session gap + grace, `within`, join bound), ms. */
export function ruleTimeBound(rule: RulePlan): number {
  let bound = 0;
  for (const op of rule.ops) {
    if (op.kind === "window-aggregate") {
      const w = op.window;
      bound = Math.max(bound, (w.kind === "session" ? w.gapMs : w.sizeMs) + op.graceMs);
    } else if (op.kind === "pattern" && op.withinMs !== null) bound = Math.max(bound, op.withinMs);
    else if (op.kind === "stream-join") bound = Math.max(bound, op.withinMs + op.graceMs);
  }
  return bound;
}

function alertKeys(alert: OutputRecord): string[] {
  const keys = alert.key === null ? [] : [alert.key];
  for (const f of KEY_FIELDS) {
    const v: Value | undefined = alert.value[f];
    if (typeof v === "string") keys.push(v);
  }
  return keys;
}

/** Scores every rule of `rules` (in their order); labels of unknown scenarios are ignored. */
export function scoreAlerts(
  rules: readonly RulePlan[],
  alerts: readonly OutputRecord[],
  labels: readonly IncidentLabel[],
): RuleScore[] {
  return rules.map((rule) => {
    const bound = ruleTimeBound(rule);
    const mine = labels.filter((l) => l.scenario === rule.name);
    const byKey = new Map<string, IncidentLabel[]>();
    for (const l of mine) {
      const list = byKey.get(l.key);
      if (list === undefined) byKey.set(l.key, [l]);
      else list.push(l);
    }
    const ruleAlerts = alerts.filter((a) => a.rule === rule.name);
    const detected = new Set<IncidentLabel>();
    let truePositives = 0;
    for (const a of ruleAlerts) {
      const hits = alertKeys(a)
        .flatMap((k) => byKey.get(k) ?? [])
        .filter((l) => a.timestamp >= l.start && a.timestamp <= l.end + bound);
      if (hits.length > 0) truePositives++;
      for (const h of hits) detected.add(h);
    }
    return {
      rule: rule.name,
      alerts: ruleAlerts.length,
      truePositives,
      incidents: mine.length,
      detected: detected.size,
      // A rule with no labels has no precision to show: its alerts are neither right nor wrong.
      precision: ruleAlerts.length === 0 || mine.length === 0 ? null : truePositives / ruleAlerts.length,
      recall: mine.length === 0 ? null : detected.size / mine.length,
      missed: mine.filter((l) => !detected.has(l)),
    };
  });
}

/** Parses labels.jsonl; bad lines are reported, not fatal. */
export function parseLabels(text: string): { labels: IncidentLabel[]; errors: string[] } {
  const labels: IncidentLabel[] = [];
  const errors: string[] = [];
  text.split("\n").forEach((line, i) => {
    if (line.trim() === "") return;
    try {
      const v = JSON.parse(line) as Partial<IncidentLabel>;
      if (typeof v.scenario !== "string" || typeof v.key !== "string")
        throw new Error("needs scenario and key");
      if (typeof v.start !== "number" || typeof v.end !== "number")
        throw new Error("needs numeric start and end");
      labels.push({
        scenario: v.scenario,
        key: v.key,
        start: v.start,
        end: v.end,
        event_ids: v.event_ids ?? [],
        ...(v.evasive === true ? { evasive: true } : {}),
      });
    } catch (e) {
      errors.push(`line ${i + 1}: ${e instanceof Error ? e.message : String(e)}`);
    }
  });
  return { labels, errors };
}

// CLI stage, `vigil replay`: one replay, from the compiled rules to the report. The outputs are
// opened and the inputs found (with their warnings) before the run; the inputs are streamed; the
// report (sample, per-rule summary, dead letters with file lines) is built in linear time, and
// "Done" comes last. With --json the summary is one JSON object; with `--out -` the alerts own
// stdout and the report goes to stderr.
import type { DeadLetter } from "../../core/record.ts";
import type { Value } from "../../core/value.ts";
import { metricsSummary } from "../../observe/run-summary.ts";
import { ruleSinks } from "../../plan/outputs.ts";
import type { ProgramPlan } from "../../plan/plan.ts";
import type { EmbeddedResult } from "../../runtime/embedded-result.ts";
import type { StreamingLog } from "../../runtime/streaming-log.ts";
import type { ReplayArgs } from "./args.ts";
import { deadLetterFileLines, findInputs } from "./inputs.ts";
import { type OpenedOutput, openOutput, writeAlerts, writeDeadLetters } from "./output.ts";
import { createProgress } from "./progress.ts";
import { alertSample, deadLetterLines, missedLine, summaryTable, uniqueDeadLetters } from "./report.ts";
import { type IncidentLabel, scoreAlerts } from "./score.ts";

export async function runReplay(
  args: ReplayArgs,
  plan: ProgramPlan,
  labels: IncidentLabel[] | null,
  params: Record<string, Value>,
): Promise<number> {
  const started = performance.now();
  const report = args.out === "-" ? (t: string) => console.error(t) : (t: string) => console.log(t);
  const fail = (message: string): number => {
    console.error(`vigil replay: ${message}`);
    return 1;
  };
  const inputs = findInputs(plan, args.dataDir);
  for (const w of inputs.warnings) console.error(`vigil replay: warning: ${w}`);
  if (args.strict && inputs.warnings.length > 0) return fail("--strict: stopping on the warnings above");
  const outputs: { alerts?: OpenedOutput; dead?: OpenedOutput } = {};
  for (const [key, path, what] of [
    ["alerts", args.out, "--out"],
    ["dead", args.deadLetters, "--dead-letters"],
  ] as const) {
    if (path === null) continue;
    const opened = openOutput(path, what);
    if (typeof opened === "string") return fail(opened);
    outputs[key] = opened;
  }
  const parts = args.partitions === 1 ? "1 partition" : `${args.partitions} partitions`;
  if (!args.json)
    report(`Replaying ${plan.rules.length} rules over ${args.dataDir} (${parts}, embedded, no Kafka)`);
  const { runEmbedded } = await import("../../runtime/embedded-runner.ts");
  const progress = createProgress(args.progress);
  let log: StreamingLog | null = null;
  let result: EmbeddedResult;
  try {
    result = await runEmbedded({
      plan,
      inputs: { files: inputs.files, onOpen: (l) => (log = l) },
      partitions: args.partitions,
      commitEvery: 5_000,
      params,
      onProgress: () => progress.update(log?.progress() ?? []),
    });
  } catch (e) {
    progress.done();
    return fail(`the run failed: ${e instanceof Error ? e.message : String(e)}`);
  }
  progress.done();
  const order = [...plan.streams, ...plan.tables].map((d) => d.name);
  const read = ((log as StreamingLog | null)?.progress() ?? []).sort(
    (a, b) => order.indexOf(a.name) - order.indexOf(b.name),
  );
  const alerts = result.canonical;
  const letters = uniqueDeadLetters(result.deadLetters);
  const fileLine = deadLetterFileLines(inputs, letters, args.partitions);
  const where = (d: DeadLetter): string => {
    const at = fileLine(d);
    return at === null
      ? `${d.origin.topic}[${d.origin.partition}]@${d.origin.offset}`
      : `${at.file}:${at.line}`;
  };
  if (outputs.alerts) writeAlerts(outputs.alerts, alerts, args.format);
  if (outputs.dead) writeDeadLetters(outputs.dead, letters, fileLine);
  const scores = scoreAlerts(plan.rules, alerts, labels ?? []);
  const counts = read.map((f) => `${f.name} ${f.records.toLocaleString("en-US")}`);
  // A stream without a file is fed by the rules emitting to its topic, as on Kafka (chained rules).
  for (const d of plan.streams) {
    if (inputs.byTopic.has(d.topic)) continue;
    const feeders = plan.rules
      .filter((r) => ruleSinks(r).some((k) => k.topic === d.topic))
      .map((r) => r.name);
    if (feeders.length > 0) counts.push(`${d.name} (fed by ${feeders.join(", ")})`);
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  if (args.json) {
    const byReason: Record<string, number> = {};
    for (const d of letters) byReason[d.reason] = (byReason[d.reason] ?? 0) + 1;
    const summary = {
      rules: scores.map(({ missed, ...s }) => ({ ...s, missed: missed.length })),
      alerts: alerts.length,
      recordsIn: result.stats.recordsIn,
      inputs: read.map((f) => ({ name: f.name, file: f.path, records: f.records })),
      deadLetters: { total: letters.length, byReason },
      warnings: inputs.warnings,
      seconds: Number(seconds),
      ...(args.out ? { out: args.out } : {}),
    };
    report(JSON.stringify(summary, null, 2));
    return 0;
  }
  // Chained rules run in stages over records in memory: no streaming log was opened then.
  const staged = log === null && Object.keys(inputs.files).length > 0;
  const lines = [
    `  input records: ${staged ? "read in stages (chained rules)" : counts.join(", ") || "none"}`,
    "",
  ];
  lines.push(...alertSample(alerts, plan.rules, args.sample), "");
  lines.push(
    labels === null
      ? "Per-rule summary:"
      : `Per-rule summary against ${labels.length} labels (${args.labels}):`,
  );
  lines.push(...summaryTable(scores, labels !== null), ...missedLine(scores), "");
  lines.push(...deadLetterLines(letters, where), "");
  lines.push(...metricsSummary(result.stats, (performance.now() - started) / 1000), "");
  report(lines.join("\n"));
  const total = ((performance.now() - started) / 1000).toFixed(1);
  const written = args.out && args.out !== "-" ? ` (written to ${args.out})` : "";
  report(
    `Done in ${total}s: ${result.stats.recordsIn.toLocaleString("en-US")} records in, ${alerts.length} alerts${written}.`,
  );
  return 0;
}

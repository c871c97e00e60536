// CLI command `vigil dlq list|replay --group <id>`: the dead letters of a group's workers. `list`
// counts them by reason, rule and source and shows samples with their headers; `replay --reason r
// [--since t]` re-drives the selected ones to their source topic after a fix, each exactly once.
import type { Command } from "commander";
import type { DeadLetterReason } from "../../core/record.ts";
import type { DeadLetterSummary } from "../../kafka/dead-letters.ts";
import { addConnectionOptions, type ConnectionFlags, connectionOf } from "../ops/connection-flags.ts";
import type { CliCommand } from "../shared/cli-command.ts";

const REASONS: readonly DeadLetterReason[] = [
  "decode-error",
  "schema-mismatch",
  "late-record",
  "operator-error",
];

interface DlqFlags extends ConnectionFlags {
  readonly group: string;
  readonly topic?: string;
  readonly reason?: string;
  readonly since?: string;
  readonly json?: boolean;
}

const HELP = `
Actions:
  list     counts by reason, rule and source topic, and up to 3 samples per reason with headers
  replay   re-drives the dead letters of --reason (and --since) to their source topic and partition,
           each input exactly once: a ledger topic <group>-dlq-redriven records, in the same
           transaction, what was re-driven, so a second replay of the same selection re-drives
           nothing. A re-driven record carries headers vigil.redrive.topic/.partition/.offset (its
           original coordinates) and vigil.redrive.reason. Re-driving an input runs every rule on
           it again. decode-error and schema-mismatch re-drive the raw input; late-record and
           operator-error the record as the rule saw it.
  --since  an ISO date or time (2026-03-01, 2026-03-01T10:00:00Z) or a duration back from now
           (90m, 6h, 2d): only dead letters whose event time is at or after it

Examples:
  npx vigil dlq list --group fraud --brokers 127.0.0.1:9092
  npx vigil dlq replay --group fraud --reason schema-mismatch --since 6h`;

/** `--since`: an ISO date/time, or a duration back from now. */
export function parseSince(text: string, now = Date.now()): number {
  const d = /^(\d+)(s|m|h|d)$/.exec(text.trim());
  if (d) return now - Number(d[1]) * { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[d[2] as "s"];
  const t = Date.parse(text);
  if (Number.isNaN(t))
    throw new Error(`--since '${text}': expected an ISO date or time, or a duration like 6h`);
  return t;
}

export function renderSummary(s: DeadLetterSummary, topic: string): string {
  const table = (title: string, m: Readonly<Record<string, number>>) => [
    `${title}:`,
    ...Object.entries(m)
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .map(([k, n]) => `  ${String(n).padStart(8)}  ${k}`),
  ];
  const lines = [`${topic}: ${s.total} dead letters (${s.redriven} inputs re-driven so far)`];
  if (s.total > 0) {
    lines.push(
      ...table("by reason", s.byReason),
      ...table("by rule", s.byRule),
      ...table("by source", s.bySource),
    );
    lines.push("samples:");
    for (const x of s.samples) {
      lines.push(`  ${x.at}  ${x.letter.reason}  ${x.letter.message}`);
      for (const [k, v] of Object.entries(x.headers)) lines.push(`    ${k}: ${v}`);
      lines.push(`    value: ${x.letter.raw.length > 200 ? `${x.letter.raw.slice(0, 200)}…` : x.letter.raw}`);
    }
  }
  return `${lines.join("\n")}\n`;
}

async function dlq(action: string, flags: DlqFlags): Promise<number> {
  let connection: ReturnType<typeof connectionOf>;
  let sinceMs: number | undefined;
  const topic = flags.topic ?? `${flags.group}-dead-letters`;
  try {
    connection = connectionOf(flags);
    if (flags.since !== undefined) sinceMs = parseSince(flags.since);
    if (action === "replay" && !REASONS.includes(flags.reason as DeadLetterReason)) {
      throw new Error(`replay needs --reason, one of ${REASONS.join(", ")}`);
    }
  } catch (err) {
    console.error(`vigil dlq: ${(err as Error).message}`);
    return 2;
  }
  const ops = await import("../../kafka/dead-letters.ts");
  if (action === "list") {
    const s = await ops.listDeadLetters(connection, { group: flags.group, topic });
    process.stdout.write(flags.json ? `${JSON.stringify(s, null, 2)}\n` : renderSummary(s, topic));
    return 0;
  }
  const r = await ops.replayDeadLetters(connection, {
    group: flags.group,
    topic,
    reason: flags.reason as DeadLetterReason,
    ...(sinceMs !== undefined ? { sinceMs } : {}),
  });
  process.stdout.write(
    flags.json
      ? `${JSON.stringify(r)}\n`
      : `${r.selected} dead letters selected; ${r.redriven} inputs re-driven, ${r.alreadyRedriven} re-driven before\n`,
  );
  return 0;
}

export const command: CliCommand = {
  configure(cmd: Command) {
    addConnectionOptions(
      cmd
        .argument("<action>", "list or replay")
        .requiredOption("--group <id>", "the workers' consumer group")
        .option("--topic <topic>", "the dead-letter topic (default <group>-dead-letters)")
        .option("--reason <reason>", `replay: the reason to re-drive (${REASONS.join(", ")})`)
        .option("--since <time>", "replay: only dead letters from this event time on (ISO, or 6h back)"),
    )
      .option("--json", "print JSON")
      .addHelpText("after", HELP);
  },
  run: (operands, opts) => {
    const action = operands[0] ?? "";
    if (action !== "list" && action !== "replay") {
      console.error(`vigil dlq: unknown action '${action}' (list or replay)`);
      return Promise.resolve(2);
    }
    return dlq(action, opts as unknown as DlqFlags);
  },
};

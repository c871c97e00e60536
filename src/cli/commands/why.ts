// CLI command `vigil why <topic> <partition> <offset>`: why did this alert fire? Reads the output
// record, its rule and evidence headers, and prints the input events that produced it, fetched
// from their topics; at most --limit events, and it says so when it shows fewer than there are.
import type { Command } from "commander";
import type { Explanation, FetchedRecord } from "../../kafka/evidence-reader.ts";
import { addConnectionOptions, type ConnectionFlags, connectionOrReport } from "../ops/connection-flags.ts";
import type { CliCommand } from "../shared/cli-command.ts";
import { integer } from "../shared/options.ts";

const HELP = `
Reads the record at <topic> <partition> <offset> (read_committed) and the evidence Vigil put in its
headers (vigil.rule, vigil.evidence): for a pattern or join, each input event the match bound; for
a window, its first and last contributing events and their count. Prints each input event as
stored in its topic. --json prints the same as one JSON object.

Example:
  npx vigil why alerts 0 1234 --brokers 127.0.0.1:9092`;

interface WhyFlags extends ConnectionFlags {
  readonly limit?: number;
  readonly json?: boolean;
}

const time = (ms: number) => (Number.isFinite(ms) && ms > 0 ? new Date(ms).toISOString() : "-");

function line(r: FetchedRecord): string {
  return `  ${r.topic}/${r.partition} offset ${r.offset}  key ${r.key ?? "-"}  ${time(r.timestamp)}  ${r.value ?? "null"}`;
}

/** The human-readable report. */
export function renderExplanation(e: Explanation, limit: number): string {
  const r = e.record;
  const out = [
    `${r.topic}/${r.partition} offset ${r.offset}: rule ${e.rule ?? "(none)"}, key ${r.key ?? "-"}, ${time(r.timestamp)}`,
    `  ${r.value ?? "null"}`,
  ];
  if (e.evidence === null) {
    out.push("no evidence header: not an output record of a Vigil rule");
    return `${out.join("\n")}\n`;
  }
  if (e.evidence.kind === "range") {
    out.push(`evidence: a window over ${e.total} input events; the first and the last:`);
  } else {
    out.push(`evidence: ${e.total} input event${e.total === 1 ? "" : "s"}:`);
  }
  out.push(...e.events.map(line));
  for (const m of e.missing)
    out.push(`  ${m.topic}/${m.partition} offset ${m.offset}  (no longer in the topic)`);
  if (e.evidence.kind === "events" && e.capped) {
    out.push(
      `capped: showing ${e.events.length + e.missing.length} of ${e.total} input events (--limit ${limit})`,
    );
  }
  return `${out.join("\n")}\n`;
}

async function why(topic: string, partition: number, offset: number, flags: WhyFlags): Promise<number> {
  const limit = flags.limit ?? 100;
  const connection = connectionOrReport("why", flags);
  if (connection === null) return 2;
  const { explainAt } = await import("../../kafka/evidence-reader.ts");
  const e = await explainAt(connection, { topic, partition, offset }, { limit });
  if (e === null) {
    console.error(`vigil why: no record at ${topic}/${partition} offset ${offset}`);
    return 1;
  }
  process.stdout.write(flags.json ? `${JSON.stringify(e, null, 2)}\n` : renderExplanation(e, limit));
  return 0;
}

export const command: CliCommand = {
  configure(cmd: Command) {
    addConnectionOptions(
      cmd
        .argument("<topic>", "the output topic")
        .argument("<partition>", "its partition", integer(0, 1 << 20))
        .argument("<offset>", "the record's offset", integer(0, Number.MAX_SAFE_INTEGER)),
    )
      .option("--limit <n>", "at most this many input events (default 100)", integer(1, 100_000))
      .option("--json", "print JSON")
      .addHelpText("after", HELP);
  },
  run: (_operands, opts, cmd) => {
    // The parsed operands (partition and offset checked as integers).
    const [topic, partition, offset] = cmd.processedArgs as [string, number, number];
    return why(topic, partition, offset, opts as WhyFlags);
  },
};

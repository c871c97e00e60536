// CLI command `vigil lag --group <id>`: per partition the committed offset, log end, lag and owner,
// as `kafka-consumer-groups --describe` prints them (--json for the same as JSON).
import type { Command } from "commander";
import type { GroupLag } from "../../kafka/group-lag.ts";
import { addConnectionOptions, type ConnectionFlags, connectionOrReport } from "../ops/connection-flags.ts";
import type { CliCommand } from "../shared/cli-command.ts";

interface LagFlags extends ConnectionFlags {
  readonly group: string;
  readonly json?: boolean;
}

/** An aligned table, one row per partition, then the total. */
export function renderLag(g: GroupLag): string {
  const head = ["TOPIC", "PARTITION", "CURRENT-OFFSET", "LOG-END-OFFSET", "LAG", "OWNER"];
  const rows = g.partitions.map((p) => [
    p.topic,
    String(p.partition),
    p.committed === null ? "-" : String(p.committed),
    String(p.logEnd),
    String(p.lag),
    p.owner ?? "-",
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join("  ");
  const total = g.partitions.reduce((s, p) => s + p.lag, 0);
  return [
    `group ${g.group}: ${g.state}, ${g.members} member${g.members === 1 ? "" : "s"}, total lag ${total}`,
    fmt(head),
    ...rows.map(fmt),
    "",
  ].join("\n");
}

async function lag(flags: LagFlags): Promise<number> {
  const connection = connectionOrReport("lag", flags);
  if (connection === null) return 2;
  const { groupLag } = await import("../../kafka/group-lag.ts");
  const g = await groupLag(connection, flags.group);
  process.stdout.write(flags.json ? `${JSON.stringify(g, null, 2)}\n` : renderLag(g));
  return 0;
}

export const command: CliCommand = {
  configure(cmd: Command) {
    addConnectionOptions(cmd.requiredOption("--group <id>", "the consumer group (the workers' --group)"))
      .option("--json", "print JSON")
      .addHelpText(
        "after",
        "\nLog end is the partition's high watermark; a transactional topic ends in a commit marker, so\na caught-up repartition topic shows lag 1.\n\nExample:\n  npx vigil lag --group fraud --brokers 127.0.0.1:9092",
      );
  },
  run: (_operands, opts) => lag(opts as unknown as LagFlags),
};

// CLI stage: the list of `vigil` commands. Adding a command is one module in src/cli/commands/
// exporting a `CliCommand` and one line here. Modules load lazily, so `vigil check` never loads
// kafkajs or RocksDB; the summary is both the `vigil --help` line and the command's description.
import type { CliCommand } from "./shared/cli-command.ts";

export interface CommandEntry {
  readonly name: string;
  readonly summary: string;
  readonly load: () => Promise<{ readonly command: CliCommand }>;
}

export const COMMANDS: readonly CommandEntry[] = [
  {
    name: "check",
    summary: "check rule files; print diagnostics (exit 1 on errors)",
    load: () => import("./commands/check.ts"),
  },
  {
    name: "explain",
    summary: "print a rule file's topology (text, mermaid, dot or json)",
    load: () => import("./commands/explain.ts"),
  },
  {
    name: "fmt",
    summary: "format rule files canonically (--check to only verify)",
    load: () => import("./commands/fmt.ts"),
  },
  {
    name: "test",
    summary: "run rule test files (*.vigil-test): inputs, expected outputs, a diff on failure",
    load: () => import("./commands/test.ts"),
  },
  {
    name: "replay",
    summary: "run rules embedded over JSONL files or an example directory (no Kafka)",
    load: () => import("./commands/replay.ts"),
  },
  {
    name: "run",
    summary: "run a worker over Kafka with exactly-once output",
    load: () => import("./commands/run.ts"),
  },
  {
    name: "why",
    summary: "print the input events an alert was built from (its evidence headers), read from Kafka",
    load: () => import("./commands/why.ts"),
  },
  {
    name: "lag",
    summary: "per partition: a group's committed offset, log end, lag and owner",
    load: () => import("./commands/lag.ts"),
  },
  {
    name: "dlq",
    summary: "dead letters: `list` counts and samples, `replay --reason r` re-drives them exactly once",
    load: () => import("./commands/dlq.ts"),
  },
  {
    name: "dev",
    summary: "developer tools: `vigil dev kafka` starts a local single-node broker",
    load: () => import("./commands/dev.ts"),
  },
  {
    name: "completion",
    summary: "print a shell completion script (`vigil completion bash`)",
    load: () => import("./commands/completion.ts"),
  },
];

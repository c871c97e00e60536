// CLI stage: what a command module exports. `configure` declares its arguments and options on the
// commander Command (the one definition its `--help`, parsing and shell completion come from);
// `run` gets the parsed operands and options and resolves to the exit code.
import type { Command } from "commander";

export interface CliCommand {
  configure(cmd: Command): void;
  run(operands: string[], options: Record<string, unknown>, cmd: Command): Promise<number>;
}

/** Exit status of a usage error (unknown option, missing argument, bad value), for every command. */
export const USAGE_ERROR = 2;

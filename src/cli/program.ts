// CLI stage: the `vigil` program. One commander definition per command (src/cli/registry.ts) gives
// parsing (`--x=v` and `--x v` alike), `--help` per command, `--version` and shell completion.
// Usage errors exit 2 with the message and a pointer to `--help`; a command's own result is its exit code.
import { Command, CommanderError } from "commander";
import { COMMANDS } from "./registry.ts";
import { USAGE_ERROR } from "./shared/cli-command.ts";
import { vigilVersion } from "./shared/version.ts";

export interface CliOutput {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

const STD: CliOutput = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
};

/**
 * The program with every command declared; `configured` names the commands whose options are
 * loaded (all of them when undefined). Only loaded commands can run.
 */
export async function buildProgram(
  configured?: ReadonlySet<string>,
  io: CliOutput = STD,
): Promise<{ program: Command; exitCode: () => number | undefined }> {
  let code: number | undefined;
  const program = new Command("vigil")
    .description("Vigil: stream processing and complex event processing rules, over Kafka or embedded.")
    .version(vigilVersion(), "-V, --version", "print the version")
    .helpOption("-h, --help", "show help")
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .showHelpAfterError("(run with --help for the options)")
    .exitOverride();
  program.addHelpText("after", "\nRun `vigil <command> --help` for a command's options.");
  for (const entry of COMMANDS) {
    const cmd = program.command(entry.name).description(entry.summary);
    if (configured !== undefined && !configured.has(entry.name)) continue;
    const { command } = await entry.load();
    command.configure(cmd);
    cmd.action(async (...args: unknown[]) => {
      const self = args.at(-1) as Command;
      code = await command.run(self.args, self.opts(), self);
    });
  }
  return { program, exitCode: () => code };
}

/** The first operand: the command to load (options before it belong to the program). */
function commandName(argv: readonly string[]): string | undefined {
  return argv.find((a) => !a.startsWith("-"));
}

/** Runs `vigil <argv>` in this process; resolves to the exit code. */
export async function runCli(argv: readonly string[], io: CliOutput = STD): Promise<number> {
  const name = commandName(argv);
  const known = COMMANDS.some((c) => c.name === name);
  // Completion describes every command; any other run loads only its own command.
  const configured = name === "completion" ? undefined : new Set(known && name ? [name] : []);
  const { program, exitCode } = await buildProgram(configured, io);
  if (argv.length === 0) {
    io.out(program.helpInformation());
    return USAGE_ERROR;
  }
  try {
    await program.parseAsync([...argv], { from: "user" });
  } catch (e) {
    if (!(e instanceof CommanderError)) throw e;
    const done = ["commander.helpDisplayed", "commander.help", "commander.version"].includes(e.code);
    return done && e.exitCode === 0 ? 0 : USAGE_ERROR;
  }
  return exitCode() ?? 0;
}

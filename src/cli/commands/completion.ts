// CLI command `vigil completion bash`: prints a bash completion script built from the same command
// definitions that parse the options (src/cli/registry.ts), so it never drifts from them.
import { Argument, type Command } from "commander";
import type { CliCommand } from "../shared/cli-command.ts";

/** The long options of a command (and --help), and the choices of options and arguments that have them. */
function describe(cmd: Command): {
  flags: string[];
  choices: Map<string, readonly string[]>;
  args: string[];
} {
  const flags = cmd.options.map((o) => o.long).filter((f): f is string => f !== undefined);
  const choices = new Map<string, readonly string[]>();
  for (const o of cmd.options) if (o.long && o.argChoices) choices.set(o.long, o.argChoices);
  const args = cmd.registeredArguments.flatMap((a) => a.argChoices ?? []);
  return { flags: [...flags, "--help"], choices, args };
}

/** A bash completion script for `program` (commands, their options, option and argument choices, files). */
export function bashCompletion(program: Command): string {
  const commands = program.commands.filter((c) => c.name() !== "help");
  const names = commands.map((c) => c.name());
  const perCommand = commands.map((c) => {
    const d = describe(c);
    const operands =
      d.args.length > 0
        ? `COMPREPLY=($(compgen -W "${d.args.join(" ")}" -- "$cur"))`
        : 'COMPREPLY=($(compgen -f -- "$cur"))';
    const values = [...d.choices].map(
      ([flag, list]) => `        ${flag}) COMPREPLY=($(compgen -W "${list.join(" ")}" -- "$cur")); return ;;`,
    );
    return [
      `    ${c.name()})`,
      `      case "$prev" in`,
      ...values,
      "      esac",
      `      if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "${d.flags.join(" ")}" -- "$cur")); else ${operands}; fi`,
      "      ;;",
    ].join("\n");
  });
  return `# bash completion for vigil. Load it with:  source <(vigil completion bash)
# or install it:  vigil completion bash > ~/.local/share/bash-completion/completions/vigil
_vigil() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}"
  if [[ $COMP_CWORD -eq 1 ]]; then
    COMPREPLY=($(compgen -W "${names.join(" ")} --help --version" -- "$cur"))
    return
  fi
  case "\${COMP_WORDS[1]}" in
${perCommand.join("\n")}
  esac
}
complete -o default -F _vigil vigil
`;
}

export const command: CliCommand = {
  configure(cmd: Command) {
    cmd.addArgument(new Argument("<shell>", "the shell").choices(["bash"]));
    cmd.addHelpText(
      "after",
      "\nExample: source <(vigil completion bash)   (zsh: autoload bashcompinit && bashcompinit first)",
    );
  },
  async run(_operands, _options, cmd) {
    process.stdout.write(bashCompletion(cmd.parent!));
    return 0;
  },
};

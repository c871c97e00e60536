// CLI stage: `vigil <command>`. Each command lives in src/cli/commands/<name>.ts and exports
// `run(argv: string[]): Promise<number>` (the exit code). Loaded lazily so `vigil check` never
// loads kafkajs or RocksDB.

interface CommandEntry {
  readonly summary: string;
  readonly load: () => Promise<{ run(argv: string[]): Promise<number> }>;
}

const COMMANDS: Record<string, CommandEntry> = {
  check: {
    summary: "check rule files; print diagnostics (exit 1 on errors)",
    load: () => import("./commands/check.ts"),
  },
  explain: {
    summary: "print a rule file's topology (--format text|mermaid|dot|json)",
    load: () => import("./commands/explain.ts"),
  },
  fmt: {
    summary: "format rule files canonically (--check to only verify)",
    load: () => import("./commands/fmt.ts"),
  },
  test: {
    summary: "run rule test files (*.vigil-test): inputs, expected outputs, a diff on failure",
    load: () => import("./commands/test.ts"),
  },
  replay: {
    summary: "run rules embedded over JSONL files or the fraud example (no Kafka)",
    load: () => import("./commands/replay.ts"),
  },
  run: {
    summary: "run a worker over Kafka with exactly-once output",
    load: () => import("./commands/run.ts"),
  },
  dev: {
    summary: "developer tools: `vigil dev kafka` starts a local single-node broker",
    load: () => import("./commands/dev.ts"),
  },
};

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return [
    "Usage: vigil <command> [options]",
    "",
    "Commands:",
    ...lines,
    "",
    "Run `vigil <command> --help` for a command's options.",
  ].join("\n");
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    console.log(usage());
    return 0;
  }
  const entry = COMMANDS[name];
  if (entry === undefined) {
    console.error(`vigil: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  const command = await entry.load();
  return command.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    // Only internal faults reach here: user input errors are reported by the commands themselves.
    console.error(
      `vigil: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
    );
    process.exitCode = 70;
  },
);

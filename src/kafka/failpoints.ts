// Kafka I/O stage: named failpoints in the commit and restore paths, for crash tests. With
// VIGIL_FAILPOINT=<name> (or <name>@<n>: the n-th hit) the process SIGKILLs itself at that point;
// otherwise a failpoint costs one comparison. Tests may install a handler that throws instead.

/** Every failpoint, in commit order; `during-restore` fires while a changelog is replayed. */
export const FAILPOINTS = [
  "after-send",
  "after-send-offsets",
  "before-commit",
  "after-commit",
  "after-checkpoint",
  "during-restore",
] as const;
export type FailpointName = (typeof FAILPOINTS)[number];

type Handler = (name: FailpointName) => void;

interface Armed {
  readonly raw: string;
  readonly name: string;
  readonly at: number;
}

let armed: Armed | null = null;
let hits = 0;
let handler: Handler | null = null;

function crash(name: FailpointName): void {
  process.stderr.write(`vigil: failpoint ${name} hit: SIGKILL\n`);
  process.kill(process.pid, "SIGKILL");
}

function current(): Armed | null {
  const raw = process.env["VIGIL_FAILPOINT"] ?? "";
  if (armed?.raw === raw) return armed.name === "" ? null : armed;
  const [name = "", at = "1"] = raw.split("@");
  if (name !== "" && !(FAILPOINTS as readonly string[]).includes(name)) {
    throw new Error(`VIGIL_FAILPOINT='${raw}': unknown failpoint; known: ${FAILPOINTS.join(", ")}`);
  }
  armed = { raw, name, at: Math.max(1, Number.parseInt(at, 10) || 1) };
  hits = 0;
  return name === "" ? null : armed;
}

/** Marks a point in the commit/restore path; fires when VIGIL_FAILPOINT names it (on its n-th hit). */
export function failpoint(name: FailpointName): void {
  const spec = current();
  if (spec === null || spec.name !== name) return;
  hits += 1;
  if (hits < spec.at) return;
  (handler ?? crash)(name);
}

/** Replaces the SIGKILL with `h` (tests that exercise error paths in-process); null restores it. */
export function setFailpointHandler(h: Handler | null): void {
  handler = h;
}

// End-to-end bench: CPU time of a process from /proc/<pid>/stat: utime + stime of the process (all
// its threads) plus cutime + cstime (children it has waited for) plus the same for every live
// descendant. Linux only; clock ticks per second from `getconf CLK_TCK`.
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

let ticksPerSecond: number | null = null;

function hz(): number {
  if (ticksPerSecond === null) {
    const out = execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" });
    ticksPerSecond = Number(out.trim()) || 100;
  }
  return ticksPerSecond;
}

interface Stat {
  readonly ppid: number;
  readonly ticks: number;
}

/** Fields after the `(comm)` part, which may itself hold spaces and parentheses. */
function readStat(pid: number): Stat | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return null;
  }
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  // fields[0] is field 3 (state): ppid is field 4, utime..cstime are fields 14..17.
  const num = (field: number) => Number(fields[field - 3]);
  return { ppid: num(4), ticks: num(14) + num(15) + num(16) + num(17) };
}

function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readStat(Number(name));
    if (stat === null) continue;
    const list = children.get(stat.ppid) ?? [];
    list.push(Number(name));
    children.set(stat.ppid, list);
  }
  const out: number[] = [];
  const stack = [...(children.get(root) ?? [])];
  while (stack.length > 0) {
    const pid = stack.pop()!;
    out.push(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return out;
}

/** CPU seconds used so far by `pid` and its descendants; null when the process is gone. */
export function cpuSeconds(pid: number): number | null {
  const own = readStat(pid);
  if (own === null) return null;
  let ticks = own.ticks;
  for (const child of descendants(pid)) ticks += readStat(child)?.ticks ?? 0;
  return ticks / hz();
}

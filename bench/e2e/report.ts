// End-to-end bench: medians over rounds per (mode, contender) and the Markdown tables: throughput,
// CPU efficiency, latency, with the ratios Vigil / Kafka Streams and Vigil / bare kafkajs.
import type { ContenderName, Mode } from "./contenders.ts";
import type { LatencyResult } from "./latency.ts";
import type { RunResult } from "./run-one.ts";

/** One finished (or failed) run. */
export interface Sample {
  readonly mode: Mode;
  readonly round: number;
  readonly contender: ContenderName;
  readonly result?: RunResult;
  readonly latency?: LatencyResult;
  readonly expected: number;
  readonly error?: string;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Medians of one contender on one mode. */
interface Cell {
  readonly rounds: number;
  readonly failed: number;
  readonly wallRate: number;
  readonly cpuRate: number;
  readonly steadyCpuRate: number;
  readonly brokerCpuS: number;
  readonly startupS: number;
  readonly startupCpuS: number;
  readonly expected: number;
  readonly p50: number;
  readonly p99: number;
  readonly outputs: string;
}

function cell(samples: readonly Sample[]): Cell {
  const done = samples.filter((s) => s.result !== undefined);
  const r = done.map((s) => s.result!);
  const ok = done.filter((s) => s.result!.output === s.expected).length;
  const lat = samples.flatMap((s) => (s.latency === undefined ? [] : [s.latency]));
  const outputs = [...new Set(samples.map((s) => outputNote(s)))];
  return {
    rounds: ok,
    failed: samples.length - ok,
    wallRate: median(r.map((x) => x.events / x.wallS)),
    cpuRate: median(r.map((x) => x.events / x.cpuS)),
    steadyCpuRate: median(r.map((x) => x.events / Math.max(1e-9, x.cpuS - x.cpuAtStartS))),
    brokerCpuS: median(r.map((x) => x.brokerCpuS)),
    startupS: median(r.map((x) => x.startupS)),
    startupCpuS: median(r.map((x) => x.cpuAtStartS)),
    expected: samples[0]!.expected,
    p50: median(lat.map((l) => l.p50)),
    p99: median(lat.map((l) => l.p99)),
    outputs: outputs.join(" / "),
  };
}

function outputNote(s: Sample): string {
  if (s.result === undefined) return "failed";
  return s.result.output === s.expected ? String(s.result.output) : `${s.result.output} MISMATCH`;
}

const fmtRate = (n: number): string => (Number.isFinite(n) ? `${(n / 1000).toFixed(1)}k` : "-");
const fmtMs = (n: number): string => (Number.isFinite(n) ? `${n.toFixed(0)}` : "-");
const ratio = (a: number, b: number): string =>
  Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(2)}` : "-";

const NAMES: Record<ContenderName, string> = {
  vigil: "Vigil",
  "vigil-base": "Vigil, base tree (VIGIL_BENCH_E2E_BASE)",
  "vigil-metrics": "Vigil, metrics on (--http, scraped every 1 s)",
  "kafka-streams": "Kafka Streams",
  "bare-kafkajs": "bare kafkajs",
};

/** The main table: one row per mode and contender, the ratios on Vigil's row. */
export function resultTable(samples: readonly Sample[], modes: readonly Mode[]): string {
  const lines = [
    "| mode | contender | events/s wall | events per CPU-s | broker CPU-s | latency p50 / p99 ms | output records (expected) | Vigil / KS (wall, CPU) | Vigil / bare kafkajs (wall, CPU) |",
    "|---|---|---:|---:|---:|---:|---:|---:|---:|",
  ];
  for (const mode of modes) {
    const cells = cellsOf(samples, mode);
    const vigil = cells.get("vigil");
    for (const [name, c] of cells) {
      const vs = (other: ContenderName) => {
        const o = cells.get(other);
        if (name !== "vigil" || vigil === undefined || o === undefined) return "";
        return `${ratio(vigil.wallRate, o.wallRate)}, ${ratio(vigil.cpuRate, o.cpuRate)}`;
      };
      const lat = Number.isFinite(c.p50) ? `${fmtMs(c.p50)} / ${fmtMs(c.p99)}` : "-";
      const rounds = c.failed > 0 ? ` (${c.rounds}/${c.rounds + c.failed} ok)` : "";
      lines.push(
        `| ${mode} | ${NAMES[name]} | ${fmtRate(c.wallRate)} | ${fmtRate(c.cpuRate)} | ${c.brokerCpuS.toFixed(1)} | ${lat} | ${c.outputs} (${c.expected})${rounds} | ${vs("kafka-streams")} | ${vs("bare-kafkajs")} |`,
      );
    }
  }
  return lines.join("\n");
}

/** Start-up costs and the rate once running (medians over rounds). */
export function startupTable(samples: readonly Sample[], modes: readonly Mode[]): string {
  const lines = [
    "| mode | contender | spawn to first commit s | CPU-s to first commit | events per CPU-s after the first commit |",
    "|---|---|---:|---:|---:|",
  ];
  for (const mode of modes) {
    for (const [name, c] of cellsOf(samples, mode)) {
      lines.push(
        `| ${mode} | ${NAMES[name]} | ${c.startupS.toFixed(1)} | ${c.startupCpuS.toFixed(1)} | ${fmtRate(c.steadyCpuRate)} |`,
      );
    }
  }
  return lines.join("\n");
}

function cellsOf(samples: readonly Sample[], mode: Mode): Map<ContenderName, Cell> {
  const cells = new Map<ContenderName, Cell>();
  for (const name of Object.keys(NAMES) as ContenderName[]) {
    const of = samples.filter((s) => s.mode === mode && s.contender === name);
    if (of.length > 0) cells.set(name, cell(of));
  }
  return cells;
}

/** Every run, in the order it ran (for the record and for spotting noise). */
export function runsTable(samples: readonly Sample[]): string {
  const lines = [
    "| mode | round | contender | events | wall s | CPU s | broker CPU s | output | latency p50 / p99 ms (n) | note |",
    "|---|---:|---|---:|---:|---:|---:|---:|---:|---|",
  ];
  for (const s of samples) {
    const r = s.result;
    const l = s.latency;
    const lat = l === undefined ? "-" : `${fmtMs(l.p50)} / ${fmtMs(l.p99)} (${l.samples})`;
    const note =
      s.error ?? (r !== undefined && r.output !== s.expected ? `MISMATCH: expected ${s.expected}` : "");
    lines.push(
      r === undefined
        ? `| ${s.mode} | ${s.round} | ${NAMES[s.contender]} | - | - | - | - | - | ${lat} | ${note.split("\n")[0]} |`
        : `| ${s.mode} | ${s.round} | ${NAMES[s.contender]} | ${r.events} | ${r.wallS.toFixed(2)} | ${r.cpuS.toFixed(2)} | ${r.brokerCpuS.toFixed(2)} | ${r.output} | ${lat} | ${note} |`,
    );
  }
  return lines.join("\n");
}

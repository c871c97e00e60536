// CLI stage, `vigil replay`: the progress line on stderr: records read, how much of the input
// files, the read rate and the event-time position. Rewritten in place on a terminal; one line per
// update when forced (--progress) on a pipe; silent otherwise. Wall-clock time is display only.
import type { FileReadProgress } from "../../runtime/file-topic.ts";
import { isoTime } from "./report.ts";

export interface Progress {
  update(files: readonly FileReadProgress[]): void;
  done(): void;
}

function size(bytes: number): string {
  if (bytes >= 1 << 30) return `${(bytes / (1 << 30)).toFixed(1)} GB`;
  if (bytes >= 1 << 20) return `${(bytes / (1 << 20)).toFixed(1)} MB`;
  return `${Math.ceil(bytes / 1024)} KB`;
}

/** `replay: 1,234,567 records read (45% of 1.2 GB), 250,000 records/s, event time 2026-03-02T00:04:44Z, 5.0s` */
export function progressLine(files: readonly FileReadProgress[], seconds: number): string {
  const records = files.reduce((n, f) => n + f.records, 0);
  const read = files.reduce((n, f) => n + f.bytesRead, 0);
  const total = files.reduce((n, f) => n + f.size, 0);
  const times = files.map((f) => f.eventTime).filter((t): t is number => t !== null);
  const pct = total === 0 ? 100 : Math.floor((100 * read) / total);
  const rate = seconds > 0 ? Math.round(records / seconds).toLocaleString("en-US") : "-";
  const at = times.length > 0 ? `, event time ${isoTime(Math.min(...times))}` : "";
  return `replay: ${records.toLocaleString("en-US")} records read (${pct}% of ${size(total)}), ${rate} records/s${at}, ${seconds.toFixed(1)}s`;
}

/** A progress display, or a silent one when stderr is not a terminal and it is not forced. */
export function createProgress(forced: boolean, stream: NodeJS.WriteStream = process.stderr): Progress {
  const tty = stream.isTTY === true;
  if (!tty && !forced) return { update() {}, done() {} };
  const started = performance.now();
  let shown = false;
  return {
    update(files) {
      shown = true;
      const line = progressLine(files, (performance.now() - started) / 1000);
      stream.write(tty ? `\r\x1b[K${line}` : `${line}\n`);
    },
    done() {
      if (tty && shown) stream.write("\r\x1b[K");
    },
  };
}

// CLI stage, `vigil replay`: the progress line on stderr. Rewritten in place on a terminal; one line
// per update when forced (--progress) on a pipe; silent otherwise. Wall-clock time is display only.

export interface Progress {
  update(processed: number): void;
  done(): void;
}

/** A progress display for a run over `inputRecords` records, or a silent one. */
export function createProgress(
  inputRecords: number,
  forced: boolean,
  stream: NodeJS.WriteStream = process.stderr,
): Progress {
  const tty = stream.isTTY === true;
  if (!tty && !forced) return { update() {}, done() {} };
  const started = performance.now();
  let shown = false;
  const line = (processed: number): string => {
    const elapsed = (performance.now() - started) / 1000;
    const secs = elapsed.toFixed(1);
    const rate = elapsed > 0 ? ` (${Math.round(processed / elapsed).toLocaleString("en-US")}/s)` : "";
    const count = processed.toLocaleString("en-US");
    // Processed records include re-keyed ones read back from repartition topics, so they can pass the input count.
    if (processed >= inputRecords)
      return `replay: ${count} records processed (input read; finishing re-keyed streams), ${secs}s${rate}`;
    const pct = Math.floor((100 * processed) / inputRecords);
    return `replay: ${count} records processed (about ${pct}% of ${inputRecords.toLocaleString("en-US")} input), ${secs}s${rate}`;
  };
  return {
    update(processed) {
      shown = true;
      stream.write(tty ? `\r\x1b[K${line(processed)}` : `${line(processed)}\n`);
    },
    done() {
      if (tty && shown) stream.write("\r\x1b[K");
    },
  };
}

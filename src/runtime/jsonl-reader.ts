// Runtime stage: reads a JSONL file a chunk at a time (bounded memory, synchronous so the embedded
// runner's rounds stay synchronous), giving each non-blank line with its 1-based line number. A file
// that is not UTF-8 text (invalid UTF-8, or a NUL byte) stops the read with NotTextError (V1019,
// as `vigil check` reports a rule file), instead of a decode error per line.
import { closeSync, fstatSync, openSync, readSync } from "node:fs";

const CHUNK = 1 << 20;

/** A data file that is not UTF-8 text; the message is `file:line:col: error[V1019]: ...`. */
export class NotTextError extends Error {
  readonly code = "V1019";
  constructor(path: string, line: number, column: number, why: string) {
    super(
      `${path}:${line}:${column}: error[V1019]: not a text file: ${why} (a data file is UTF-8 JSON lines)`,
    );
    this.name = "NotTextError";
  }
}

export interface JsonlLine {
  readonly text: string;
  readonly line: number;
}

export class JsonlReader {
  readonly path: string;
  readonly size: number;
  private fd: number | null;
  private readonly decoder = new TextDecoder("utf-8", { fatal: true });
  private readonly buffer = Buffer.allocUnsafe(CHUNK);
  private bytes = 0;
  /** Lines of the decoded text not handed out yet; the last one may be incomplete. */
  private lines: string[] = [];
  private next = 0;
  private tail = "";
  private lineNo = 0;
  private eof = false;

  constructor(path: string) {
    this.path = path;
    this.fd = openSync(path, "r");
    this.size = fstatSync(this.fd).size;
  }

  /** Bytes read so far. */
  get bytesRead(): number {
    return this.bytes;
  }

  /** The next non-blank line, or null at the end of the file (which is then closed). */
  read(): JsonlLine | null {
    for (;;) {
      while (this.next < this.lines.length) {
        const text = this.lines[this.next++]!;
        this.lineNo++;
        if (text.trim() !== "") return { text, line: this.lineNo };
      }
      if (this.eof) return null;
      this.fill();
    }
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  private fill(): void {
    const n = this.fd === null ? 0 : readSync(this.fd, this.buffer, 0, CHUNK, null);
    let text: string;
    const chunk = this.buffer.subarray(0, n);
    try {
      text = this.decoder.decode(chunk, { stream: n > 0 });
    } catch {
      this.notText(chunk, invalidUtf8At(chunk), "it is not valid UTF-8");
    }
    const nul = text.indexOf("\0");
    if (nul >= 0) this.notText(chunk, Buffer.byteLength(text.slice(0, nul)), "it contains a NUL byte");
    this.bytes += n;
    const parts = (this.tail + text).split("\n");
    if (n === 0) {
      this.eof = true;
      this.close();
      this.tail = "";
      // A last line without a newline is still a line; an empty tail after a final newline is not.
      this.lines = parts[parts.length - 1] === "" ? parts.slice(0, -1) : parts;
    } else {
      this.tail = parts.pop()!;
      this.lines = parts;
    }
    this.next = 0;
  }

  /** Throws NotTextError for the byte at `at` of `chunk` (line and column counted from the lines read). */
  private notText(chunk: Buffer, at: number, why: string): never {
    const before = this.tail + chunk.subarray(0, at).toString("utf8");
    const breaks = before.split("\n");
    const line = this.lineNo + (this.lines.length - this.next) + breaks.length;
    this.close();
    throw new NotTextError(this.path, line, breaks[breaks.length - 1]!.length + 1, why);
  }
}

/** The offset of the first byte that makes `chunk` invalid UTF-8 (a sequence cut at the end is fine). */
function invalidUtf8At(chunk: Buffer): number {
  let lo = 0;
  let hi = chunk.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    try {
      new TextDecoder("utf-8", { fatal: true }).decode(chunk.subarray(0, mid), { stream: true });
      lo = mid;
    } catch {
      hi = mid - 1;
    }
  }
  return lo;
}

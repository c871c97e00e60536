// Test support: high watermarks (read_uncommitted end offsets) through the broker's own Java client,
// so tests can check that no transaction was left open (last stable offset == high watermark).
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { ensureBrokerJars } from "../../src/kafka/dev-broker-jars.ts";

const PROGRAM = fileURLToPath(new URL("./HighWatermarks.java", import.meta.url));

/** `partition:offset` per partition of `topic` (unordered). */
export async function highWatermarks(brokers: readonly string[], topic: string): Promise<string[]> {
  const jars = await ensureBrokerJars();
  const args = ["-cp", `${jars.dir}/*`, PROGRAM, brokers.join(","), topic];
  const out = await new Promise<string>((ok, fail) => {
    const child = spawn("java", args, { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", fail);
    child.on("exit", (code) =>
      code === 0 ? ok(stdout) : fail(new Error(`HighWatermarks failed: ${stderr}`)),
    );
  });
  return out
    .trim()
    .split("\n")
    .filter(Boolean)
    .map((line) => {
      const [, partition, offset] = line.split(" ");
      return `${partition}:${offset}`;
    });
}

// Benchmarks: the DSL front end (load, parse, check, plan) over the fraud rule library, in MB/s of
// rule text, against JSON.parse of a JSON text of about the same size. Reads no files while timed.
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { compileProgram } from "../../src/plan/compile.ts";
import { type BenchRow, measure } from "./measure.ts";

const LIB_DIR = resolve(import.meta.dirname, "../../dsl/lib/fraud");

/** A JSON array of payment-like objects, at least `bytes` long. */
function jsonOfSize(bytes: number): string {
  const items: unknown[] = [];
  let text = "[]";
  for (let i = 0; text.length < bytes; i++) {
    items.push({
      id: `P${i}`,
      card: `K${i % 97}`,
      amount: (i * 37) % 1000,
      tags: ["a", "b"],
      ok: i % 2 === 0,
    });
    if (i % 50 === 0) text = JSON.stringify(items);
  }
  return JSON.stringify(items);
}

/** Runs the suite; throws when the library does not compile cleanly (a benchmark of a failure is meaningless). */
export async function dslFrontEnd(): Promise<BenchRow[]> {
  const files = readdirSync(LIB_DIR)
    .filter((f) => f.endsWith(".vigil"))
    .sort()
    .map((f) => join(LIB_DIR, f));
  const inputs = files.map((path) => ({ path, text: readFileSync(path, "utf8") }));
  const texts = new Map(inputs.map((i) => [i.path, i.text]));
  const readFile = (p: string): string | undefined => texts.get(resolve(p));
  const ruleBytes = inputs.reduce((n, i) => n + Buffer.byteLength(i.text), 0);
  const first = compileProgram(inputs, { readFile });
  if (first.plan === null)
    throw new Error(`dsl/lib/fraud does not compile: ${first.diagnostics.length} diagnostics`);
  const json = jsonOfSize(ruleBytes);
  const jsonBytes = Buffer.byteLength(json);
  const mb = 1024 * 1024;
  return measure(
    `DSL front end (${files.length} files, ${ruleBytes} B)`,
    "MB/s",
    { name: `JSON.parse (${jsonBytes} B)`, unitsPerOp: jsonBytes / mb, fn: () => JSON.parse(json) },
    [{ name: "compileProgram", unitsPerOp: ruleBytes / mb, fn: () => compileProgram(inputs, { readFile }) }],
    { time: 1500, iterations: 50 },
  );
}

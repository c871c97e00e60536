// Architecture test: reads every import under src/ and fails when data flow runs backwards
// (dsl -> plan -> topology -> runtime), when anything but src/kafka imports kafkajs, or when
// operators reach into the Kafka adapter or the runtime.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const SRC = join(ROOT, "src");

interface ImportEdge {
  readonly file: string; // relative to the repo, e.g. src/dsl/parse/parser.ts
  readonly line: number;
  readonly spec: string; // as written
  readonly target: string; // repo-relative path for relative specs, the bare name otherwise
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return /\.(ts|mts|js|mjs)$/.test(e.name) ? [p] : [];
  });
}

const IMPORT_RE =
  /(?:^|\s)(?:import|export)\b[^"'`;]*?\bfrom\s*["']([^"']+)["']|\bimport\s*\(\s*["']([^"']+)["']\s*\)|^\s*import\s*["']([^"']+)["']/g;

/** Every static, re-export, side-effect and literal dynamic import of every file under src/. */
function importEdges(): ImportEdge[] {
  const edges: ImportEdge[] = [];
  for (const abs of sourceFiles(SRC)) {
    const file = relative(ROOT, abs);
    const text = readFileSync(abs, "utf8");
    for (const m of text.matchAll(IMPORT_RE)) {
      const spec = m[1] ?? m[2] ?? m[3]!;
      const line = text.slice(0, m.index).split("\n").length + (m[0].startsWith("\n") ? 1 : 0);
      const target = spec.startsWith(".") ? relative(ROOT, resolve(dirname(abs), spec)) : spec;
      edges.push({ file, line, spec, target });
    }
  }
  return edges;
}

function area(path: string): string | null {
  const m = /^src\/([^/.]+)/.exec(path);
  return m ? m[1]! : null;
}

function violations(
  edges: readonly ImportEdge[],
  from: readonly string[],
  banned: (e: ImportEdge) => boolean,
): string[] {
  return edges
    .filter((e) => from.includes(area(e.file) ?? "") && banned(e))
    .map((e) => `${e.file}:${e.line} imports ${e.spec}`);
}

const RUNTIME_SIDE = ["runtime", "operators", "state", "kafka", "time", "eval"];

test("the import scanner finds imports (sanity)", () => {
  const edges = importEdges();
  assert.ok(edges.length > 10, "found some imports");
  assert.ok(edges.some((e) => e.file === "src/plan/plan.ts" && e.target === "src/core/schema.ts"));
});

test("the compiler (dsl, plan, topology) and core never import the runtime side", () => {
  const bad = violations(importEdges(), ["dsl", "plan", "topology", "core"], (e) =>
    RUNTIME_SIDE.includes(area(e.target) ?? ""),
  );
  assert.deepEqual(bad, []);
});

test("core imports nothing from the compiler either", () => {
  const bad = violations(importEdges(), ["core"], (e) =>
    ["dsl", "plan", "topology", "cli"].includes(area(e.target) ?? ""),
  );
  assert.deepEqual(bad, []);
});

test("the compiler flows one way: dsl <- plan <- topology", () => {
  const edges = importEdges();
  const bad = [
    ...violations(edges, ["dsl"], (e) => area(e.target) === "topology"),
    ...violations(edges, ["plan"], (e) => area(e.target) === "topology"),
  ];
  // src/dsl may import src/plan (lowering output types) and src/plan may import src/dsl (checked AST).
  assert.deepEqual(bad, []);
});

test("only src/kafka imports kafkajs", () => {
  const bad = importEdges()
    .filter((e) => (e.target === "kafkajs" || e.target.startsWith("kafkajs/")) && area(e.file) !== "kafka")
    .map((e) => `${e.file}:${e.line} imports ${e.spec}`);
  assert.deepEqual(bad, []);
});

test("only src/kafka/kafkajs.ts loads kafkajs; the rest import its types alone", () => {
  // kafkajs.ts installs the produce fast path before kafkajs loads (docs/architecture.md).
  const bad = importEdges()
    .filter((e) => e.target === "kafkajs" && e.file !== "src/kafka/kafkajs.ts")
    .filter((e) => !readFileSync(join(ROOT, e.file), "utf8").split("\n")[e.line - 1]!.includes("import type"))
    .map((e) => `${e.file}:${e.line} imports ${e.spec} values`);
  assert.deepEqual(bad, []);
});

test("operators import nothing from src/kafka, src/runtime or the CLI", () => {
  const bad = violations(importEdges(), ["operators"], (e) =>
    ["kafka", "runtime", "cli"].includes(area(e.target) ?? ""),
  );
  assert.deepEqual(bad, []);
});

test("nothing but the CLI imports the CLI", () => {
  const bad = importEdges()
    .filter((e) => area(e.target) === "cli" && area(e.file) !== "cli")
    .map((e) => `${e.file}:${e.line} imports ${e.spec}`);
  assert.deepEqual(bad, []);
});

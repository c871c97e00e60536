// Property: whatever the text (random tokens, or valid rule files mutated at random), compiling it
// ends in a plan or diagnostics, never an exception and never an internal compiler error; and a
// clean compile always yields a plan that prints. Bounded by the test timeout.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { compileProgram } from "../../../src/plan/compile.ts";
import { printPlan } from "../../../src/plan/print-plan.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const FRAUD = join(ROOT, "dsl/lib/fraud");
const STREAMS = readFileSync(join(FRAUD, "streams.vigil"), "utf8");
const SEEDS: readonly string[] = readdirSync(FRAUD)
  .filter((f) => f.endsWith(".vigil") && f !== "streams.vigil")
  .sort()
  .map((f) => readFileSync(join(FRAUD, f), "utf8"));

const VOCAB = [
  "stream",
  "table",
  "param",
  "include",
  "rule",
  "from",
  "topic",
  "key",
  "format",
  "json",
  "schema",
  "event",
  "time",
  "lateness",
  "as",
  "join",
  "left",
  "on",
  "within",
  "grace",
  "named",
  "where",
  "partition",
  "by",
  "window",
  "tumbling",
  "hopping",
  "advance",
  "sliding",
  "session",
  "gap",
  "aggregate",
  "having",
  "match",
  "next",
  "followed",
  "any",
  "not",
  "until",
  "greedy",
  "consecutive",
  "combinations",
  "skip",
  "past",
  "last",
  "first",
  "to",
  "no",
  "emit",
  "final",
  "changes",
  "and",
  "or",
  "in",
  "between",
  "is",
  "null",
  "true",
  "false",
  "count",
  "sum",
  "distinct",
  "payments",
  "activity",
  "cards",
  "customers",
  "amount",
  "card_id",
  "ts",
  "small",
  "big",
  "coalesce",
  "geo_distance_km",
  "{",
  "}",
  "(",
  ")",
  ",",
  ":",
  ".",
  "->",
  "->>",
  "+",
  "*",
  "?",
  "{2,}",
  "=",
  "!=",
  "<",
  ">=",
  "-",
  "/",
  "%",
  "1",
  "2.5",
  "0",
  "30s",
  "10m",
  "1h",
  "0ms",
  '"alerts"',
  '"x"',
  "--c\n",
  "\n",
  "\u00e9",
];

/** A file set: the fraud streams plus `text` including them (so mutations reach the checker). */
function compileText(text: string) {
  const sources: Record<string, string> = { "lib/streams.vigil": STREAMS, "lib/rule.vigil": text };
  return compileProgram(["lib/rule.vigil"], { readFile: (p) => sources[p] });
}

function assertNoCrash(text: string): void {
  const r = compileText(text);
  const internal = r.diagnostics.filter((d) => d.code === "V2999" || /internal/.test(d.message));
  assert.deepEqual(internal, [], `internal error for:\n${text}\n${r.internalError ?? ""}`);
  const errors = r.diagnostics.filter((d) => d.severity === "error");
  if (errors.length === 0) {
    assert.ok(r.plan, "a clean compile has a plan");
    assert.equal(typeof printPlan(r.plan), "string");
  } else {
    assert.equal(r.plan, null);
  }
  for (const d of r.diagnostics) assert.ok(d.span.line >= 1 && d.span.col >= 1 && d.span.end >= d.span.start);
}

const randomTokens = fc
  .array(fc.constantFrom(...VOCAB), { maxLength: 80 })
  .map((toks) => `include "streams.vigil"\n${toks.join(" ")}`);

type Mutation = { kind: "delete" | "duplicate" | "insert" | "swap"; at: number; len: number; token: string };

const mutation: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom("delete", "duplicate", "insert", "swap"),
  at: fc.nat(),
  len: fc.integer({ min: 1, max: 40 }),
  token: fc.constantFrom(...VOCAB),
});

function mutate(text: string, m: Mutation): string {
  const at = m.at % (text.length + 1);
  const end = Math.min(text.length, at + m.len);
  switch (m.kind) {
    case "delete":
      return text.slice(0, at) + text.slice(end);
    case "duplicate":
      return text.slice(0, end) + text.slice(at, end) + text.slice(end);
    case "insert":
      return `${text.slice(0, at)} ${m.token} ${text.slice(at)}`;
    case "swap": {
      const words = text.split(/(\s+)/);
      const i = at % words.length;
      const j = (at + m.len) % words.length;
      [words[i], words[j]] = [words[j]!, words[i]!];
      return words.join("");
    }
  }
}

const mutatedRule = fc
  .tuple(fc.constantFrom(...SEEDS), fc.array(mutation, { minLength: 1, maxLength: 4 }))
  .map(([seed, ms]) => ms.reduce(mutate, seed));

test("random token soup never crashes the checker or the lowering", { timeout: 60_000 }, () => {
  fc.assert(fc.property(randomTokens, assertNoCrash), { numRuns: 800, seed: 42 });
});

test("mutated fraud rules never crash the checker or the lowering", { timeout: 60_000 }, () => {
  fc.assert(fc.property(mutatedRule, assertNoCrash), { numRuns: 1500, seed: 7 });
});

test("arbitrary unicode text never crashes", { timeout: 60_000 }, () => {
  fc.assert(fc.property(fc.string({ unit: "grapheme", maxLength: 200 }), assertNoCrash), {
    numRuns: 200,
    seed: 3,
  });
});

/** The seed as copy `i`: its rule and param names suffixed, so copies do not clash. */
function copy(seed: string, i: number): string {
  const names = [...seed.matchAll(/\b(?:rule|param) (\w+)/g)].map((m) => m[1]!);
  let out = seed.replace(/include "streams.vigil"/, "");
  for (const n of names) out = out.replace(new RegExp(`\\b${n}\\b(?!")`, "g"), `${n}_${i}`);
  return out;
}

test("a large program (every fraud rule 40 times) compiles clean", { timeout: 60_000 }, () => {
  const parts = Array.from({ length: 40 }, (_, i) => SEEDS.map((s) => copy(s, i)).join("\n"));
  const r = compileText(`include "streams.vigil"\n${parts.join("\n")}`);
  assert.deepEqual(r.diagnostics, []);
  assert.equal(r.plan?.rules.length, 40 * SEEDS.length);
});

test("a large broken program ends in diagnostics", { timeout: 60_000 }, () => {
  // Copies whose params clash and whose references dangle: hundreds of errors, each reported.
  const parts = Array.from({ length: 10 }, (_, i) =>
    SEEDS.map((s) => s.replace(/\b(\w+_)(\w+)\b/g, `$1$2_${i}`)).join("\n"),
  );
  const r = compileText(`include "streams.vigil"\n${parts.join("\n")}`);
  assert.equal(r.plan, null);
  assert.ok(r.diagnostics.length > 100);
  assert.deepEqual(
    r.diagnostics.filter((d) => d.code === "V2999"),
    [],
  );
});

test("very deep expressions end in one V2107 per expression, not a stack overflow", {
  timeout: 60_000,
}, () => {
  const chain = (n: number, op: string) => `${"amount > 1 ".concat(op, " ").repeat(n)}true`;
  const text = `include "streams.vigil"\nrule deep from payments where ${chain(50_000, "and")} emit to "o" { x: ${"amount + ".repeat(50_000)}1 }`;
  const r = compileText(text);
  // The parser bounds tree height (V1014, one per broken rule); V2107 stays as the checker's own guard.
  assert.deepEqual(
    r.diagnostics.map((d) => d.code),
    ["V1014"],
  );
  const ok = compileText(
    `include "streams.vigil"\nrule shallow from payments where ${chain(300, "or")} emit to "o" { card_id }`,
  );
  assert.deepEqual(ok.diagnostics, []);
});

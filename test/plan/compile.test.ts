// Plan stage tests: the compiler's front door (files, includes, readFile), lowering (deterministic
// names, rekey elision, stores, repartition topics) and the plan dump.
import assert from "node:assert/strict";
import { test } from "node:test";
import { buildPlan, operatorNames } from "../../src/plan/build-plan.ts";
import { compileProgram } from "../../src/plan/compile.ts";
import { includePath } from "../../src/plan/load-sources.ts";
import { printPlan } from "../../src/plan/print-plan.ts";

const STREAMS = `
stream payments from topic "payments" key card_id
  schema { card_id: string, customer_id: string, amount: float, merchant: string, ts: timestamp }
  event time ts, lateness 30s
table cards from topic "cards" key card_id schema { card_id: string, home: string }
`;

function files(map: Record<string, string>): (path: string) => string | undefined {
  return (path) => map[path];
}

test("partition by the source key is elided; any other key is a rekey with a repartition topic", () => {
  const text = `${STREAMS}
rule a from payments partition by card_id window tumbling 1m aggregate count() as n emit to "o" { card_id, n }
rule b from payments partition by customer_id window tumbling 1m aggregate count() as n emit to "o" { customer_id, n }`;
  const { plan, diagnostics } = compileProgram([{ path: "x.vigil", text }]);
  assert.deepEqual(diagnostics, []);
  const [a, b] = plan!.rules;
  assert.deepEqual(
    a!.ops.map((o) => o.kind),
    ["window-aggregate"],
  );
  assert.deepEqual(
    b!.ops.map((o) => [o.kind, o.name]),
    [
      ["rekey", "b.rekey"],
      ["window-aggregate", "b.window-aggregate"],
    ],
  );
  const rekey = b!.ops[0]!;
  assert.equal(rekey.kind === "rekey" && rekey.repartitionTopic, "b.rekey-repartition");
  const win = b!.ops[1]!;
  assert.equal(win.kind === "window-aggregate" && win.store.name, "b.window-aggregate");
  assert.equal(win.kind === "window-aggregate" && win.store.kind, "window");
  assert.deepEqual(win.kind === "window-aggregate" && win.groupBy.map((g) => g.name), ["customer_id"]);
  assert.equal(b!.sink.name, "b.sink");
});

test("operator names: kind counters per rule, user names win", () => {
  const ops = [
    { kind: "table-join", table: "t", alias: "t", joinType: "inner", named: null },
    { kind: "table-join", table: "u", alias: "u", joinType: "inner", named: null },
    { kind: "filter", predicate: { kind: "literal", value: true, type: { kind: "bool" } }, named: null },
    { kind: "table-join", table: "v", alias: "v", joinType: "left", named: "mine" },
  ] as const;
  assert.deepEqual(operatorNames("r", ops), ["r.table-join", "r.table-join-2", "r.filter", "mine"]);
});

test("named operators keep their names (and stores) whatever the rule is called", () => {
  const body = `from payments partition by customer_id named "by-customer" window sliding 1h named "spend" aggregate sum(amount) as s emit to "o" { s }`;
  const one = compileProgram([{ path: "x.vigil", text: `${STREAMS} rule first_name ${body}` }]).plan!;
  const two = compileProgram([{ path: "x.vigil", text: `${STREAMS} rule renamed ${body}` }]).plan!;
  const names = (p: typeof one) => p.rules[0]!.ops.map((o) => o.name);
  assert.deepEqual(names(one), ["by-customer", "spend"]);
  assert.deepEqual(names(two), names(one));
});

test("includes resolve relative to the including file; a file included twice is loaded once", () => {
  const readFile = files({
    "lib/streams.vigil": STREAMS,
    "rules/a.vigil": `include "../lib/streams.vigil"\nrule a from payments emit to "o" { card_id }`,
    "rules/b.vigil": `include "../lib/streams.vigil"\nrule b from payments join table cards emit to "o" { home: cards.home }`,
  });
  const r = compileProgram(["rules/a.vigil", "rules/b.vigil"], { readFile });
  assert.deepEqual(r.diagnostics, []);
  assert.deepEqual([...r.files].sort(), ["lib/streams.vigil", "rules/a.vigil", "rules/b.vigil"]);
  assert.deepEqual(
    r.plan!.rules.map((x) => x.name),
    ["a", "b"],
  );
  assert.equal(r.plan!.streams.length, 1);
});

test("include paths: relative to the including file, absolute paths kept", () => {
  assert.equal(includePath("rules/a.vigil", "../lib/s.vigil"), "lib/s.vigil");
  assert.equal(includePath("a.vigil", "lib/s.vigil"), "lib/s.vigil");
  assert.equal(includePath("rules/a.vigil", "/etc/vigil/s.vigil"), "/etc/vigil/s.vigil");
});

test("a missing include is reported at the include, a cycle at the include that closes it", () => {
  const missing = compileProgram(["a.vigil"], { readFile: files({ "a.vigil": `include "nope.vigil"` }) });
  assert.deepEqual(
    missing.diagnostics.map((d) => [d.code, d.span.file, d.span.line, d.span.col]),
    [["V2701", "a.vigil", 1, 9]],
  );
  const cycle = compileProgram(["a.vigil"], {
    readFile: files({ "a.vigil": `include "b.vigil"`, "b.vigil": `\ninclude "a.vigil"` }),
  });
  assert.deepEqual(
    cycle.diagnostics.map((d) => [d.code, d.span.file, d.span.line, d.message]),
    [["V2702", "b.vigil", 2, "include cycle: a.vigil -> b.vigil -> a.vigil"]],
  );
  const unreadable = compileProgram(["gone.vigil"], { readFile: files({}) });
  assert.equal(unreadable.diagnostics[0]?.code, "V2701");
});

test("an internal fault becomes a V2999 diagnostic, never an exception", () => {
  const r = compileProgram(["a.vigil"], {
    readFile: () => {
      throw new Error("disk on fire");
    },
  });
  assert.equal(r.plan, null);
  assert.equal(r.diagnostics[0]?.code, "V2999");
  assert.match(r.diagnostics[0]!.message, /internal compiler error: disk on fire/);
  assert.match(r.internalError ?? "", /disk on fire/);
});

test("the plan dump is deterministic and shows resolved paths", () => {
  const text = `${STREAMS} param big = 10
rule r from payments as p where p.amount > big match a+: amount < 1 -> b: amount > big within 5m emit to "o" { n: count(a), at: b.ts }`;
  const once = printPlan(compileProgram([{ path: "x.vigil", text }]).plan!);
  const twice = printPlan(compileProgram([{ path: "x.vigil", text }]).plan!);
  assert.equal(once, twice);
  assert.match(once, /where \(p\.amount > :big=10\)/);
  assert.match(once, /pattern r\.pattern within 5m skip-past-last store r\.pattern \(pattern-buffer\)/);
  assert.match(once, /n = count\(\$steps\.a\)/);
});

test("buildPlan keeps declarations as checked", () => {
  const plan = buildPlan({ streams: [], tables: [], params: [{ name: "x", defaultValue: 1 }], rules: [] });
  assert.deepEqual(plan, { streams: [], tables: [], params: [{ name: "x", defaultValue: 1 }], rules: [] });
});

// Property: structurally plausible random rules (random clauses, steps, quantifiers, negations,
// aggregates, and names drawn from a pool mixing real fields, steps, aliases, params and typos)
// never crash the checker or the lowering: each ends in a plan or in diagnostics, never V2999.
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { compileProgram } from "../../../src/plan/compile.ts";
import { printPlan } from "../../../src/plan/print-plan.ts";

const PRELUDE = `
stream payments from topic "payments" key card_id
  schema { card_id: string, customer_id: string, amount: float, merchant: string, n: int,
           geo: { lat: float, lon: float }, device_id: string?, ts: timestamp }
  event time ts, lateness 5s
stream logins from topic "logins" key customer_id
  schema { customer_id: string, device_id: string, ts: timestamp } event time ts
table cards from topic "cards" key card_id schema { card_id: string, home: string }
param big = 500
param gap = 10m
`;

const NAMES = [
  "amount",
  "merchant",
  "n",
  "ts",
  "card_id",
  "geo",
  "geo.lat",
  "a",
  "b",
  "c",
  "a.amount",
  "b.ts",
  "c.merchant",
  "p",
  "p.amount",
  "cards",
  "cards.home",
  "l.device_id",
  "big",
  "gap",
  "total",
  "cnt",
  "window_end",
  "key",
  "amout",
  "zz",
];
const FUNCS = [
  "lower",
  "abs",
  "round",
  "coalesce",
  "count",
  "sum",
  "last",
  "first",
  "max",
  "geo_distance_km",
  "nope",
];

const atom = fc.oneof(
  fc.constantFrom(...NAMES),
  fc.constantFrom("1", "2.5", '"x"', "true", "null", "5m", "-1"),
);
const expr: fc.Arbitrary<string> = fc.letrec((tie) => ({
  e: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    atom,
    fc
      .tuple(tie("e"), fc.constantFrom("+", "-", "*", "/", "=", "!=", "<", ">=", "and", "or"), tie("e"))
      .map(([l, o, r]) => `(${l} ${o} ${r})`),
    fc
      .tuple(fc.constantFrom(...FUNCS), fc.array(tie("e"), { maxLength: 3 }))
      .map(([f, a]) => `${f}(${a.join(", ")})`),
    fc.tuple(tie("e"), tie("e"), tie("e")).map(([x, l, h]) => `(${x} between ${l} and ${h})`),
    tie("e").map((x) => `(${x} is not null)`),
    fc
      .tuple(tie("e"), fc.array(atom, { minLength: 1, maxLength: 3 }))
      .map(([x, l]) => `(${x} in (${l.join(", ")}))`),
  ),
})).e;

/** Well-typed conditions, so that a fair share of rules check clean and reach the lowering. */
const goodCond = fc.constantFrom(
  "amount > big",
  'amount < 2 and merchant != "x"',
  "n between 1 and 5",
  "device_id is null",
  "ts > ts - gap",
  "abs(amount) >= 1.5 or n % 2 = 0",
);
const cond = fc.oneof({ arbitrary: goodCond, weight: 6 }, { arbitrary: expr, weight: 1 });

const quant = fc.constantFrom(
  "",
  "+",
  "*",
  "?",
  "{2}",
  "{1,3}",
  "{2,}",
  "+ greedy",
  "{2,} consecutive",
  "* combinations",
);
const step = fc.record({
  conn: fc.constantFrom("->", "->", "->", "next", "->>", "not followed by", "not next"),
  name: fc.constantFrom("a", "b", "c", "d"),
  q: quant,
  cond: fc.oneof(cond, fc.constant("any")),
  until: fc.option(cond, { nil: undefined }),
});
const match = fc
  .tuple(
    fc.array(step, { minLength: 1, maxLength: 4 }),
    fc.option(fc.constantFrom("1m", "1h", "1h", "0s"), { nil: undefined }),
    fc.constantFrom("", "skip to next", "no skip", "skip to first a", "skip to last b", "skip past last"),
  )
  .map(([steps, within, skip]) => {
    const parts = steps.map(
      (s, i) =>
        `${i === 0 ? "" : `${s.conn} `}${s.name}${s.q}: ${s.cond}${s.until ? ` until ${s.until}` : ""}`,
    );
    return `match ${parts.join(" ")}${within ? ` within ${within}` : ""} ${skip}`;
  });
const window = fc
  .tuple(
    fc.constantFrom(
      "tumbling 1m",
      "hopping 1m advance 30s",
      "hopping 1m advance 2m",
      "sliding 1h",
      "session gap 5m",
    ),
    fc.array(
      fc.tuple(
        fc.constantFrom(
          "count()",
          "sum(amount)",
          "avg(n)",
          "count(distinct merchant)",
          "max(ts)",
          "stddev(merchant)",
          "median(n)",
          "sum(a)",
        ),
        fc.constantFrom("total", "cnt", "n", "key"),
      ),
      { minLength: 1, maxLength: 3 },
    ),
    fc.option(expr, { nil: undefined }),
  )
  .map(
    ([w, aggs, having]) =>
      `window ${w} aggregate ${aggs.map(([a, n]) => `${a} as ${n}`).join(", ")}${having ? ` having ${having}` : ""}`,
  );
const rule = fc
  .record({
    from: fc.constantFrom("payments", "payments", "payments as p", "logins as l", "cards"),
    join: fc.constantFrom(
      "",
      "join table cards",
      "left join table cards as k",
      "join logins as l on l.customer_id = customer_id within 1m",
      "join payments as p on p.card_id = card_id within 1m",
    ),
    where: fc.option(cond, { nil: undefined }),
    partition: fc.option(
      fc.constantFrom("card_id", "merchant", "customer_id, merchant", "lower(merchant)", "zz"),
      { nil: undefined },
    ),
    body: fc.oneof(match, window, fc.constant("")),
    mode: fc.constantFrom("", "final", "changes"),
    fields: fc.array(
      fc.tuple(fc.constantFrom("x", "y", "card_id", "amount"), fc.option(expr, { nil: undefined })),
      { maxLength: 4 },
    ),
  })
  .map((r) => {
    const fields = r.fields.map(([n, e]) => (e === undefined ? n : `${n}: ${e}`)).join(", ");
    return [
      `rule r from ${r.from}`,
      r.join,
      r.where ? `where ${r.where}` : "",
      r.partition ? `partition by ${r.partition}` : "",
      r.body,
      `emit ${r.mode} to "o" { ${fields} }`,
    ].join("\n  ");
  });

test("random structured rules end in a plan or diagnostics", { timeout: 60_000 }, () => {
  fc.assert(
    fc.property(rule, (text) => {
      const r = compileProgram([{ path: "r.vigil", text: PRELUDE + text }]);
      assert.deepEqual(
        r.diagnostics.filter((d) => d.code === "V2999"),
        [],
        `${text}\n${r.internalError ?? ""}`,
      );
      if (r.plan !== null) assert.equal(typeof printPlan(r.plan), "string");
      else assert.ok(r.diagnostics.some((d) => d.severity === "error"));
    }),
    { numRuns: 1500, seed: 11 },
  );
});

// Rules built only from valid parts must check clean and lower to a plan whose shape follows them.
const validStep = fc.record({
  conn: fc.constantFrom("->", "next", "->>"),
  q: fc.constantFrom("", "+", "*", "?", "{2}", "{1,3}", "{2,} greedy", "+ consecutive"),
  cond: goodCond,
});
const validMatch = fc
  .tuple(
    fc.array(validStep, { minLength: 1, maxLength: 4 }),
    fc.boolean(),
    fc.constantFrom("", "skip to next", "no skip", "skip to first s0"),
  )
  .map(([steps, negate, skip]) => {
    const parts = steps.map((s, i) => `${i === 0 ? "" : `${s.conn} `}s${i}${s.q}: ${s.cond}`);
    if (negate) parts.push("not followed by neg: amount < 0");
    return { text: `match ${parts.join(" ")} within 1h ${skip}`, kind: "pattern" };
  });
const validWindow = fc
  .tuple(
    fc.constantFrom("tumbling 1m", "hopping 1m advance 30s", "sliding 1h", "session gap 5m"),
    fc.boolean(),
  )
  .map(([w, having]) => ({
    text: `window ${w} aggregate count() as cnt, sum(amount) as total${having ? " having cnt > 1" : ""}`,
    kind: "window-aggregate",
  }));
const validRule = fc.record({
  join: fc.constantFrom("", "join table cards", "left join table cards"),
  where: fc.option(goodCond, { nil: undefined }),
  partition: fc.constantFrom("", "card_id", "merchant", "customer_id, merchant"),
  body: fc.oneof(validMatch, validWindow, fc.constant({ text: "", kind: "none" })),
});

test("random rules built from valid parts check clean and lower to the expected operators", {
  timeout: 60_000,
}, () => {
  fc.assert(
    fc.property(validRule, (r) => {
      const fields = r.body.kind === "window-aggregate" ? "cnt, total, at: window_end" : "card_id, amount";
      const text = [
        `rule r from payments`,
        r.join,
        r.where ? `where ${r.where}` : "",
        r.partition ? `partition by ${r.partition}` : "",
        r.body.text,
        `emit to "o" { ${fields} }`,
      ].join("\n  ");
      const out = compileProgram([{ path: "r.vigil", text: PRELUDE + text }]);
      assert.deepEqual(out.diagnostics, [], text);
      const kinds = out.plan!.rules[0]!.ops.map((o) => o.kind);
      const expected = [
        ...(r.join ? ["table-join"] : []),
        ...(r.where ? ["filter"] : []),
        ...(r.partition && r.partition !== "card_id" ? ["rekey"] : []),
        ...(r.body.kind === "none" ? [] : [r.body.kind]),
      ];
      assert.deepEqual(kinds, expected, text);
      assert.equal(typeof printPlan(out.plan!), "string");
    }),
    { numRuns: 500, seed: 13 },
  );
});

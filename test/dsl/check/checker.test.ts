// Checker table tests: one line per case, rule text in, diagnostic codes (and a message fragment)
// out. The shared prelude declares a stream, a second stream, a table and params.
import assert from "node:assert/strict";
import { test } from "node:test";
import { compileProgram } from "../../../src/plan/compile.ts";

const PRELUDE = `
stream payments from topic "payments" key card_id
  schema { card_id: string, customer_id: string, amount: float, merchant: string, country: string,
           device_id: string?, n: int, geo: { lat: float, lon: float }, ts: timestamp }
  event time ts, lateness 30s
stream logins from topic "logins" key customer_id
  schema { customer_id: string, device_id: string, ts: timestamp } event time ts
table cards from topic "cards" key card_id schema { card_id: string, home: string }
table customers from topic "customers" key customer_id schema { customer_id: string, seg: string }
param big = 500
param label = "x"
`;

/** Codes of the diagnostics of PRELUDE + `text`, with messages, e.g. ["V2002 unknown field ..."]. */
function diagnose(text: string): string[] {
  const r = compileProgram([{ path: "t.vigil", text: PRELUDE + text }]);
  return r.diagnostics.map((d) => `${d.code} ${d.message}${d.hint ? ` | ${d.hint}` : ""}`);
}

function rule(body: string, emit = `emit to "a" { card_id }`): string {
  return `rule r from payments ${body} ${emit}`;
}

// [rule text, expected code, fragment of message or hint]
const ERRORS: readonly [string, string, string][] = [
  [rule("where amout > 1"), "V2002", "did you mean `amount`?"],
  [rule("where geo.lat > 1 and geo.lt > 2"), "V2002", "did you mean `lat`?"],
  [rule("where payments.amout > 1"), "V2002", "unknown field `amout`"],
  [rule("where amount > bigg"), "V2002", "did you mean `big`?"],
  [rule("where merchant.x = 1"), "V2007", "not a record"],
  [rule("partition by geo"), "V2101", "a partition key"],
  [rule("where amount"), "V2101", "expected bool, found float"],
  [rule("where merchant > 1"), "V2102", "string and int"],
  [rule("where ts > 5"), "V2102", "timestamps combine with durations"],
  [rule("where ts + 5m > ts and ts - ts > 5"), "V2102", "duration and int"],
  [rule('where amount in (1, "a")'), "V2101", "`in` list item"],
  [rule('where lower(amount) = "a"'), "V2101", "argument 1 of `lower`"],
  [rule("where round() > 1"), "V2103", "`round` takes 1 to 2"],
  [rule('where matches(merchant, "([a-z")'), "V2108", "invalid regular expression"],
  [rule('where lowr(merchant) = "a"'), "V2005", "did you mean `lower`?"],
  [rule("where sum(amount) > 1"), "V2105", "aggregate `sum` is not allowed here"],
  [rule("where count(distinct merchant) > 1"), "V2105", "not allowed here"],
  [`rule r from paymentz emit to "a" { x }`, "V2003", "did you mean `payments`?"],
  [`rule r from cards emit to "a" { x }`, "V2003", "is a table"],
  [rule("join table cardz"), "V2004", "did you mean `cards`?"],
  [rule("join table customers"), "V2501", "keyed by `customer_id`"],
  [rule("join table customers"), "V2501", "join table customers on customers.customer_id = <field>"],
  [rule("partition by merchant join table cards"), "V2501", "the records are keyed by `merchant` here"],
  [rule("join table customers as c on c.seg = customer_id"), "V2501", "one equality between the table's key"],
  [rule("join table customers as c on c.customer_id = c.seg"), "V2501", "one equality"],
  [rule("join table customers as c on c.customer_id = n"), "V2501", "is int in the stream but string"],
  [
    rule("join table customers as c on c.customer_id = customer_id and amount > 1"),
    "V2501",
    "put other conditions in `where`",
  ],
  [
    `stream f from topic "f" key card_id schema { card_id: string } rule loop from f emit to "f" { card_id }`,
    "V2502",
    'cycle through topics: loop -> "f" -> loop',
  ],
  [
    `stream f from topic "f" key card_id schema { card_id: string, ts: timestamp } event time ts
    rule loop from f match a: card_id = "x" -> b: card_id = "y" within 1m
      on timeout emit to "f" { card_id: a.card_id, ts: a.ts } emit to "out" { card_id }`,
    "V2502",
    'cycle through topics: loop -> "f" -> loop',
  ],
  [rule("join logins on logins.device_id = device_id within 1m"), "V2501", "not co-partitioned"],
  [
    `stream u from topic "u" schema { id: string, ts: timestamp } event time ts
    rule r from u join logins on logins.customer_id = id within 1m emit to "a" { id }`,
    "V2501",
    "declare `key <field>` on stream `u`",
  ],
  [rule("join table cards join table cards"), "V2006", "binding `cards` is declared twice"],
  [rule("window hopping 1m advance 2m aggregate count() as n", `emit to "a" { n }`), "V2301", "advance"],
  [rule("window hopping 1d advance 1ms aggregate count() as n", `emit to "a" { n }`), "V2305", "sliding 1d"],
  [
    rule("window tumbling 1m aggregate count() as n having amount > 1", `emit to "a" { n }`),
    "V2302",
    "`amount`",
  ],
  [
    rule("window tumbling 1m aggregate count() as n", `emit to "a" { merchant }`),
    "V2009",
    "after the window aggregate",
  ],
  [rule("window tumbling 1m aggregate median(amount) as m", `emit to "a" { m }`), "V2303", "`median`"],
  [rule("window tumbling 1m aggregate sum(merchant) as m", `emit to "a" { m }`), "V2101", "a number"],
  [rule("window tumbling 1m aggregate count() as n, sum(amount) as n", `emit to "a" { n }`), "V2006", "`n`"],
  [rule("", `emit final to "a" { card_id }`), "V2304", "needs a window"],
  [rule("window tumbling 0s aggregate count() as n", `emit to "a" { n }`), "V2106", "must be positive"],
  [rule("match a: any within 0ms"), "V2106", "`0ms`"],
  [rule("", `emit to "a" { }`), "V2204", "has no output fields"],
  [rule("match a+: amount > 1", `emit to "a" { card_id }`), "V2403", "neither `within` nor `until`"],
  [rule("match a: amount > 1 -> b*: amount > 2", `emit to "a" { card_id }`), "V2403", "`b`"],
  [rule("match a: amount > 1 not followed by b: amount < 1"), "V2404", "needs `within`"],
  [rule("match a: amount > 1 -> b: amount > 2"), "V2407", "`b` follows with `->`"],
  [rule("match a: amount > 1 next b{2} combinations: amount > 2"), "V2407", "add `within 10m`"],
  [rule("match a+: amount < 2 until amount > 100 next b: any"), "V2407", "loops without bound"],
  [rule("match a: amount > b.amount -> b: amount > 1 within 1m"), "V2401", "comes later"],
  [rule("match a: amount > 1 -> b: count(a) > 1 within 1m"), "V2402", "takes one event"],
  [rule("match a: amount > 1 -> a: amount > 1 within 1m"), "V2006", "pattern step `a`"],
  [rule("match payments: amount > 1 within 1m"), "V2006", "`payments`"],
  [
    rule("match a: any not followed by b: amount > 1 not followed by c: amount < 0 -> d: any within 1m"),
    "V2405",
    "two negated steps in a row",
  ],
  [rule("match a: any -> b: any within 1m skip to last c"), "V2406", "unknown step `c`"],
  [rule("match a: any -> b?: any within 1m skip to first a or fail"), "V2413", "fails every match"],
  [rule("match a: any -> b?: any within 1m skip to last a or fail"), "V2413", "pattern's first step"],
  [rule("match a: any -> b: any within 1m skip to first b or fail"), "V2412", "never fails"],
  [
    rule("match a: any not followed by n: amount > 9 -> b: any within 1m skip to last n or fail"),
    "V2413",
    "negated step",
  ],
  [rule("match a?: any -> b{2,}: any within 1m skip to last b or fail"), "V2412", "drop `or fail`"],
  [rule("match a{2,}: any -> b: any within 1m skip to last a or fail"), "V2412", "never fails"],
  [rule("where amount > prev(amount)"), "V2408", "only available in a pattern step's condition"],
  [rule("match a: any within 1m", `emit to "a" { x: prev(amount) }`), "V2408", "only available"],
  [rule("match a: any -> b: amount > prev(a.amount) within 1m"), "V2408", "reads `a`"],
  [rule("match a+: amount > prev(count(a)) within 1m"), "V2408", "an aggregate over step `a`"],
  [rule("match a: amount > prev(prev(amount)) within 1m"), "V2408", "`prev` itself"],
  [rule("match a: amount > prev(amount, 2) within 1m"), "V2103", "write `prev(amount)`"],
  [rule(`match a: any -> b: any on timeout emit to "t" { card_id }`), "V2409", "needs `within`"],
  [rule("match a: any -> b: any within 1m within 1m between steps"), "V2410", "not shorter than"],
  [rule("match a: any -> b: any within 0s between steps"), "V2106", ""],
  [rule("match once a*: amount > 1 -> b: any within 1m"), "V2411", "may take none"],
  [rule("match a+: amount > 1 -> b: any within 1m between steps"), "V2403", "loops without bound"],
  [
    rule(`match a: any -> b: any within 1m on timeout emit final to "t" { card_id }`),
    "V2409",
    "no emit mode",
  ],
  [rule(`match a: any -> b: any within 1m on timeout emit to "t" { x: c.home }`), "V2002", "unknown field"],
  [
    rule("match a: any not followed by r: amount > 1 -> c: amount = r.amount within 1m"),
    "V2405",
    "negated step `r`",
  ],
  [
    rule("match a: any not followed by r: amount > 1 within 1m", `emit to "a" { x: r.amount }`),
    "V2405",
    "negated step `r`",
  ],
  [
    rule("match a: any not followed by r: amount > 1 within 1m", `emit to "a" { x: count(r) }`),
    "V2405",
    "negated step `r`",
  ],
  [rule("match a: any within 1m", `emit to "a" { card_id, card_id }`), "V2601", "given twice"],
  [rule("", `emit to "a" { card_id, x: amount, x: n }`), "V2601", "`x`"],
  [`param p = 1 + 2`, "V2104", "constant"],
  [`param big = 1`, "V2006", "declared twice"],
  [`stream s from topic "s" key k schema { a: int }`, "V2201", "`k`"],
  [`stream s from topic "pay ments" schema { a: int }`, "V2206", "not a valid Kafka topic name"],
  [`table t from topic ".." key a schema { a: int }`, "V2206", "reserved"],
  [`stream s from topic "${"x".repeat(250)}" schema { a: int }`, "V2206", "250 characters"],
  [rule("", `emit to "alerts/eu" { card_id }`), "V2206", 'contains "/"'],
  [`stream s from topic "s" format avro schema { a: int }`, "V2203", "avro"],
  [`stream s from topic "s" schema { a: int, a: string }`, "V2006", "field `a`"],
  [`stream s from topic "s" schema { a: integer }`, "V2008", "did you mean `int`?"],
  [`stream s from topic "s" schema { a: int = "x" }`, "V2205", "expected int, found string"],
  [`stream s from topic "s" schema { a: int } event time a`, "V2202", "must be a timestamp"],
  [`stream s from topic "s" schema { a: int } event time b`, "V2002", "unknown field `b`"],
  [
    `rule r from payments partition by merchant named "x" emit to "a" { card_id }
    rule r2 from payments partition by merchant named "x" emit to "a" { card_id }`,
    "V2006",
    "operator name `x`",
  ],
];

test("each invalid rule reports the expected code and message", () => {
  for (const [text, code, fragment] of ERRORS) {
    const got = diagnose(text);
    assert.ok(
      got.some((d) => d.startsWith(code) && d.includes(fragment)),
      `${text}\n  expected ${code} with "${fragment}", got:\n  ${got.join("\n  ")}`,
    );
  }
});

const VALID: readonly string[] = [
  rule("where amount > big and merchant != label and device_id is null"),
  rule('where amount between 1 and big and country in ("NL", "BE") and n % 2 = 0'),
  rule("where ts - 1h < ts and (ts - ts) < 5m and 1.5 * n > amount"),
  rule("join table cards where cards.home != country"),
  rule("join table customers as c on c.customer_id = customer_id where c.seg = label"),
  rule("left join table customers on customer_id = customers.customer_id"),
  rule(
    "partition by customer_id join table customers join logins on logins.customer_id = customer_id within 1m",
  ),
  rule("partition by merchant join table cards on cards.card_id = card_id"),
  `rule r from logins join table cards as c on c.card_id = device_id emit to "a" { x: c.home }`,
  rule("left join table cards as c where c.home is null"),
  `rule r from logins as l join payments as p on p.customer_id = l.customer_id within 1m emit to "a" { x: p.card_id }`,
  rule(
    "window tumbling 1m aggregate count() as n having n > 1 and window_end > window_start",
    `emit to "a" { card_id, n, key }`,
  ),
  rule(
    "match a+: amount < 2 until amount > 100 -> b: amount > sum(a.amount) within 10m",
    `emit to "a" { card_id, k: count(a), t: last(a).ts }`,
  ),
  rule("match a: any next b?: amount > a.amount -> c: any within 1h skip to first c"),
  // `or fail` where a match can miss its target: b optional; b first after an optional a; a single a.
  rule("match a: any -> b?: any -> c: any within 1h skip to first b or fail"),
  rule("match a?: any -> b: any within 1h skip to first b or fail"),
  rule("match a?: any -> b+: any within 1h skip to last b or fail"),
  rule("match a+: any -> b: any within 1h skip to last a or fail"),
  rule("match a{3,} longest consecutive: amount < 2 within 10m", `emit to "a" { card_id, n: count(a) }`),
  rule("match a+ longest: amount < 2 -> b: amount > big within 10m skip to next"),
  // `longest` as a step name, not a modifier.
  rule("match longest: amount > big -> b+ longest: amount < 2 within 10m"),
  rule("match a: any next b{1,3} consecutive: amount > a.amount next c: any"),
  rule("match a: amount > big"),
  rule("", `emit to "fraud.alerts_v2-${"x".repeat(233)}" { card_id }`),
  rule('where matches(merchant, "^[a-z]+\\\\d{2}$") and matches(merchant, label)'),
  rule("window hopping 1000s advance 1s aggregate count() as n", `emit to "a" { n }`),
];

test("`or fail` that can never fail is a warning: the rule still compiles", () => {
  const r = compileProgram([
    { path: "t.vigil", text: PRELUDE + rule("match a: any -> b: any within 1m skip to first b or fail") },
  ]);
  assert.deepEqual(
    r.diagnostics.map((d) => [d.code, d.severity]),
    [["V2412", "warning"]],
  );
  assert.ok(r.plan !== null, "a warning does not stop the plan");
});

test("valid rules check clean", () => {
  for (const text of VALID) assert.deepEqual(diagnose(text), [], text);
});

test("a broken param is reported once, not again at each use", () => {
  const got = diagnose(`param p = 1 + 2\n${rule("where amount > p and n < p")}`);
  assert.deepEqual(
    got.map((d) => d.slice(0, 5)),
    ["V2104"],
  );
});

test("stream-join `on` splits into the right key and a residual condition", () => {
  const r = compileProgram([
    {
      path: "t.vigil",
      text: `${PRELUDE} rule j from logins as l join payments as p on p.customer_id = l.customer_id and p.amount > big within 5m emit to "a" { x: p.amount }`,
    },
  ]);
  assert.deepEqual(r.diagnostics, []);
  const op = r.plan!.rules[0]!.ops[0]!;
  assert.equal(op.kind, "stream-join");
  if (op.kind !== "stream-join") return;
  assert.deepEqual(op.rightKeys, [{ kind: "field", path: ["p", "customer_id"], type: { kind: "string" } }]);
  assert.equal(op.condition?.kind, "binary");
  assert.equal(op.withinMs, 300_000);
});

test("types: int stays int, division is float, timestamps and durations combine", () => {
  const r = compileProgram([
    {
      path: "t.vigil",
      text: `${PRELUDE} rule r from payments emit to "a" { a: n + 1, b: n / 2, c: amount * n, d: ts + 1m, e: ts - ts, f: abs(n), g: max(n, 2) }`,
    },
  ]);
  assert.deepEqual(r.diagnostics, []);
  const types = Object.fromEntries(
    r.plan!.rules[0]!.sink.outputSchema.fields.map((f) => [f.name, f.type.kind]),
  );
  assert.deepEqual(types, {
    a: "int",
    b: "float",
    c: "float",
    d: "timestamp",
    e: "duration",
    f: "int",
    g: "int",
  });
});

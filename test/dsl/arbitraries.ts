// Test arbitraries for the DSL front end: valid rule files generated from the grammar (with random
// spacing, comments and redundant parentheses), token soups, and mutations of valid text.
import fc from "fast-check";

const word = fc.constantFrom(
  "window",
  "left",
  "emit",
  "match",
  "any",
  "amount",
  "card_id",
  "merchant",
  "ts",
  "small",
  "big",
  "x",
  "key",
  "time",
  "count",
);
const durations = fc.constantFrom("500ms", "30s", "10m", "1h", "7d", "0s");
const strings = fc.constantFrom('"NL"', '"a b"', '"q\\"uote"', '""', '"\\u{e9}t\\u{e9}"', '"tab\\t"');

const atom: fc.Arbitrary<string> = fc.oneof(
  fc.nat(100000).map(String),
  fc.double({ min: 0, max: 1e6, noNaN: true }).map((d) => (Number.isInteger(d) ? `${d}.0` : String(d))),
  strings,
  durations,
  fc.constantFrom("true", "false", "null"),
  word,
  fc.tuple(word, word).map(([a, b]) => `${a}.${b}`),
);

/** A random valid expression (as text), nesting bounded by `depth`. */
export function expr(depth = 3): fc.Arbitrary<string> {
  if (depth <= 0) return atom;
  const sub = expr(depth - 1);
  return fc.oneof(
    { weight: 3, arbitrary: atom },
    fc
      .tuple(sub, fc.constantFrom("+", "-", "*", "/", "%", "and", "or"), sub)
      .map(([a, op, b]) => `(${a}) ${op} (${b})`),
    fc
      .tuple(
        atom,
        fc.constantFrom("+", "-", "*", "and", "or"),
        atom,
        fc.constantFrom("+", "*", "or", "and"),
        atom,
      )
      .map(([a, op, b, op2, c]) => `${a} ${op} ${b} ${op2} ${c}`),
    fc
      .tuple(sub, fc.constantFrom("=", "!=", "<", "<=", ">", ">="), sub)
      .map(([a, op, b]) => `(${a}) ${op} (${b})`),
    sub.map((a) => `not (${a})`),
    sub.map((a) => `-(${a})`),
    sub.map((a) => `(${a})`),
    fc
      .tuple(sub, fc.array(sub, { maxLength: 3 }), fc.boolean())
      .map(([a, l, n]) => `(${a}) ${n ? "not in" : "in"} (${l.join(", ")})`),
    fc.tuple(sub, sub, sub).map(([a, b, c]) => `(${a}) between (${b}) and (${c})`),
    fc.tuple(sub, fc.boolean()).map(([a, n]) => `(${a}) is ${n ? "not " : ""}null`),
    fc
      .tuple(
        fc.constantFrom("lower", "abs", "coalesce", "sum", "last", "count"),
        fc.array(sub, { maxLength: 3 }),
      )
      .map(([f, args]) => `${f}(${args.join(", ")})`),
    fc.tuple(fc.constantFrom("first", "last"), word, word).map(([f, s, field]) => `${f}(${s}).${field}`),
  );
}

const typeArb: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom("string", "int", "float", "bool", "timestamp", "duration", "any"),
  fc.constantFrom("array<string>", "array<int>", "{ lat: float, lon: float }", "array<{ a: int }>"),
);

const field = fc
  .tuple(word, typeArb, fc.constantFrom("", "?", " = 5", '? = "d"'))
  .map(([n, t, suffix]) => `${n}: ${t}${suffix}`);

const stream = fc
  .tuple(word, fc.array(field, { minLength: 1, maxLength: 4 }), fc.boolean(), fc.boolean(), durations)
  .map(([n, fs, keyed, timed, late]) =>
    [
      `stream s_${n} from topic "${n}"`,
      keyed ? `key ${n}` : "",
      `schema { ${fs.join(", ")} }`,
      timed ? `event time ts, lateness ${late}` : "",
    ].join(" "),
  );

const quant = fc.constantFrom(
  "",
  "{3}",
  "{2,5}",
  "{2,}",
  "+",
  "*",
  "?",
  "+ greedy",
  "{2,} consecutive",
  "* combinations",
);
const connector = fc.constantFrom(
  "->",
  "->>",
  "next",
  "followed by",
  "followed by any",
  "not next",
  "not followed by",
);

const step = fc
  .tuple(word, quant, fc.oneof(expr(2), fc.constant("any")), fc.option(expr(1), { nil: undefined }))
  .map(([n, q, c, u]) => `${n}${q}: ${c}${u === undefined || q === "" ? "" : ` until ${u}`}`);

const match = fc
  .tuple(step, fc.array(fc.tuple(connector, step), { maxLength: 3 }), fc.constantFrom("", "within 10m"))
  .map(([first, rest, within]) => `match ${first} ${rest.map(([c, s]) => `${c} ${s}`).join(" ")} ${within}`);

const windowBlock = fc
  .tuple(
    fc.constantFrom("tumbling 1h", "hopping 1h advance 5m", "sliding 10m", "session gap 30m"),
    fc.constantFrom("", "grace 10s", 'named "w"'),
    fc.array(fc.tuple(expr(1), word), { minLength: 1, maxLength: 3 }),
    fc.option(expr(2), { nil: undefined }),
  )
  .map(
    ([w, g, aggs, having]) =>
      `window ${w} ${g} aggregate ${aggs.map(([e, n]) => `sum(${e}) as ${n}`).join(", ")} ${having === undefined ? "" : `having ${having}`}`,
  );

const rule = fc
  .tuple(
    word,
    fc.constantFrom("", "as p"),
    fc.constantFrom("", "join q on q.k = k within 5m", "left join table t as c", 'join table t named "tj"'),
    fc.option(expr(3), { nil: undefined }),
    fc.constantFrom("", "partition by card_id", "partition by card_id, lower(merchant)"),
    fc.oneof(fc.constant(""), windowBlock, match),
    fc.constantFrom("", "changes", "final"),
    fc.array(fc.tuple(word, fc.option(expr(2), { nil: undefined })), { maxLength: 4 }),
  )
  .map(([n, alias, join, where, part, body, mode, fields]) =>
    [
      `rule r_${n} from s ${alias} ${join}`,
      where === undefined ? "" : `where ${where}`,
      part,
      body,
      `emit ${mode} to "out" { ${fields.map(([f, e]) => (e === undefined ? f : `${f}: ${e}`)).join(", ")} }`,
    ].join("\n"),
  );

const decl = fc.oneof(
  stream,
  rule,
  fc.tuple(word, atom).map(([n, v]) => `param p_${n} = ${v}`),
  word.map((w) => `include "${w}.vigil"`),
);

/** A valid program: declarations with comments sprinkled between them and after their first line. */
export const program: fc.Arbitrary<string> = fc
  .array(fc.tuple(decl, fc.constantFrom("", "-- note\n", "  -- trailing note")), { maxLength: 5 })
  .map((ds) =>
    ds
      .map(([d, comment]) => {
        if (comment.startsWith("  ")) {
          const nl = d.indexOf("\n");
          return nl < 0 ? `${d}${comment}` : `${d.slice(0, nl)}${comment}${d.slice(nl)}`;
        }
        return `${comment}${d}`;
      })
      .join("\n\n"),
  );

const soupToken = fc.oneof(
  fc.constantFrom(
    "stream",
    "table",
    "param",
    "rule",
    "include",
    "from",
    "topic",
    "key",
    "schema",
    "event",
    "time",
  ),
  fc.constantFrom(
    "where",
    "partition",
    "by",
    "window",
    "tumbling",
    "aggregate",
    "as",
    "having",
    "match",
    "emit",
    "to",
  ),
  fc.constantFrom(
    "join",
    "left",
    "on",
    "within",
    "not",
    "next",
    "followed",
    "any",
    "skip",
    "past",
    "last",
    "and",
    "or",
  ),
  fc.constantFrom(
    "(",
    ")",
    "{",
    "}",
    ",",
    ":",
    ".",
    "->",
    "->>",
    "=",
    "<",
    ">",
    "+",
    "-",
    "*",
    "?",
    "<>",
    "!=",
  ),
  fc.constantFrom(
    '"t"',
    '"unterminated',
    "10m",
    "42",
    "1.5",
    "10xyz",
    "--c\n",
    "\n",
    ";",
    "'",
    "é",
    "\\",
    "\u0000",
  ),
  word,
);

/** A random sequence of DSL-ish tokens (mostly invalid programs). */
export const tokenSoup: fc.Arbitrary<string> = fc
  .array(fc.tuple(soupToken, fc.constantFrom(" ", "", "\n")), { maxLength: 200 })
  .map((ts) => ts.map(([t, sep]) => `${t}${sep}`).join(""));

/** Valid text with random character edits (insertions, deletions, replacements). */
export const mutated: fc.Arbitrary<string> = fc
  .tuple(
    program,
    fc.array(fc.tuple(fc.nat(), fc.constantFrom("ins", "del", "rep"), fc.string({ maxLength: 3 })), {
      minLength: 1,
      maxLength: 5,
    }),
  )
  .map(([text, edits]) => {
    let t = text;
    for (const [pos, op, s] of edits) {
      const i = t.length === 0 ? 0 : pos % t.length;
      if (op === "ins") t = t.slice(0, i) + s + t.slice(i);
      else if (op === "del") t = t.slice(0, i) + t.slice(i + 1 + s.length);
      else t = t.slice(0, i) + s + t.slice(i + s.length);
    }
    return t;
  });

/** Generated programs with lists spread one item per line, so comments can land inside them. */
export const spread: fc.Arbitrary<string> = program.map((t) => t.replace(/, /g, ",\n"));

/** `base` with comments added at random line ends and as lines of their own (and blank lines). */
export function withComments(base: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc
    .tuple(base, fc.array(fc.tuple(fc.nat(), fc.constantFrom(" -- t", "-- own", "", "  ")), { maxLength: 8 }))
    .map(([text, edits]) => {
      const lines = text.split("\n");
      for (const [n, kind] of edits) {
        const i = lines.length === 0 ? 0 : n % lines.length;
        if (kind === " -- t") lines[i] = `${lines[i] ?? ""} -- t${i}`;
        else lines.splice(i, 0, kind === "-- own" ? `-- own${i}` : kind);
      }
      return lines.join("\n");
    });
}

// DSL front end, parser: the `match` block: steps joined by connectors (`next`, `->`, `->>`,
// `followed by [any]`, `not next`, `not followed by`), quantifiers and loop modifiers, then
// `within`, a skip strategy and `named`, in any order.
import type {
  Contiguity,
  EmitClause,
  Expr,
  MatchClause,
  PatternStep,
  Quantifier,
  SkipClause,
} from "../ast/index.ts";
import type { Span } from "../span.ts";
import type { Cursor } from "./cursor.ts";
import { parseEmit } from "./emit.ts";
import { parseExpr } from "./expressions.ts";

interface Connector {
  readonly contiguity: Contiguity;
  readonly negated: boolean;
  readonly span: Span;
}

/** Parses `match [once] STEP {CONNECTOR STEP} [within D] [within D between steps] [skip ...] [named "x"]`. */
export function parseMatch(c: Cursor): MatchClause {
  const start = c.expectWord("match").span;
  // `once` is a modifier only before a step (`match once: ...` names a step `once`).
  const once = c.isWord("once") && c.peek(1).kind === "ident";
  if (once) c.next();
  const steps = [parseStep(c, null)];
  for (let conn = parseConnector(c); conn !== null; conn = parseConnector(c)) steps.push(parseStep(c, conn));
  let within = null;
  let skip = null;
  let named = null;
  let onTimeout = null;
  let gap = null;
  for (;;) {
    if (c.isWord("within") && (within === null || gap === null)) {
      const d = c.durationAfter("within", "the pattern's time bound");
      const between = c.eatWord("between");
      if (between)
        c.expectWord("steps", "write `within 10m between steps` (a bound between consecutive events)");
      if (between ? gap !== null : within !== null) {
        const option = between ? "within ... between steps" : "within";
        c.report("V1012", d.span, {
          option,
          what: "the pattern starting with step",
          name: steps[0]?.name.name ?? "",
        });
      }
      if (between) gap = d;
      else within = d;
    } else if ((c.isWord("skip") || c.isWord("after") || c.isWord("no")) && skip === null)
      skip = parseSkip(c);
    else if (c.isWord("named") && named === null) named = c.named();
    else if (c.isWord("on") && onTimeout === null) onTimeout = parseOnTimeout(c);
    else break;
  }
  return { kind: "MatchClause", steps, within, skip, named, onTimeout, gap, once, span: c.spanFrom(start) };
}

function parseConnector(c: Cursor): Connector | null {
  const start = c.token.span;
  const negated = c.isWord("not") && (c.isWord("next", 1) || c.isWord("followed", 1) || c.isPunct("->", 1));
  if (negated) c.next();
  const contiguity = parseContiguity(c);
  if (contiguity === null) {
    if (negated) c.expected("`next` or `followed by` after `not`");
    return null;
  }
  return { contiguity, negated, span: c.spanFrom(start) };
}

function parseContiguity(c: Cursor): Contiguity | null {
  if (c.eatPunct("->")) return "relaxed";
  if (c.eatPunct("->>")) return "non-deterministic";
  if (c.eatWord("next")) return "strict";
  if (!c.eatWord("followed")) return null;
  c.expectWord("by", "write `followed by` or `followed by any`");
  if (c.isWord("any") && c.peek(1).kind === "ident") {
    c.next();
    return "non-deterministic";
  }
  return "relaxed";
}

function parseStep(c: Cursor, conn: Connector | null): PatternStep {
  const start = conn?.span ?? c.token.span;
  const name = c.expectIdent("a step name", "a step is written `name: condition`");
  const quantifier = parseQuantifier(c);
  if (quantifier === null && isModifier(c)) {
    c.report(
      "V1016",
      c.token.span,
      { what: "loop modifier", found: `\`${c.token.text}\` on a step that does not loop` },
      "add a quantifier first: `name+ greedy: ...`",
    );
    while (isModifier(c)) c.next();
  }
  c.expectPunct(":", "a step is written `name: condition` (`name: any` matches every event)");
  const cond = parseExpr(c);
  const condition: Expr | null = cond.kind === "NameRef" && cond.name === "any" ? null : cond;
  const until = c.eatWord("until") ? parseExpr(c) : null;
  return {
    kind: "PatternStep",
    connector: conn?.contiguity ?? null,
    negated: conn?.negated ?? false,
    name,
    quantifier,
    condition,
    until,
    span: c.spanFrom(start),
  };
}

function isModifier(c: Cursor): boolean {
  return c.isWord("greedy") || c.isWord("longest") || c.isWord("consecutive") || c.isWord("combinations");
}

function parseQuantifier(c: Cursor): Quantifier | null {
  const start = c.token.span;
  const shape = parseQuantifierShape(c);
  if (shape === null) return null;
  let greedy = false;
  let longest = false;
  let inner: Contiguity = "relaxed";
  while (isModifier(c)) {
    const word = c.next().text;
    if (word === "greedy") greedy = true;
    else if (word === "longest") longest = true;
    else inner = word === "consecutive" ? "strict" : "non-deterministic";
  }
  return { kind: "Quantifier", ...shape, greedy, inner, longest, span: c.spanFrom(start) };
}

type Shape = Pick<Quantifier, "form" | "min" | "max">;

function parseQuantifierShape(c: Cursor): Shape | null {
  if (c.eatPunct("+")) return { form: "plus", min: 1, max: null };
  if (c.eatPunct("*")) return { form: "star", min: 0, max: null };
  if (c.eatPunct("?")) return { form: "optional", min: 0, max: 1 };
  if (!c.isPunct("{")) return null;
  const start = c.next().span;
  const min = expectCount(c);
  let shape: Shape = { form: "exact", min, max: min };
  if (c.eatPunct(",")) {
    shape = c.isPunct("}")
      ? { form: "at-least", min, max: null }
      : { form: "range", min, max: expectCount(c) };
  }
  c.expectPunct("}", "a quantifier is written {n}, {n,m} or {n,}");
  if (shape.max !== null && shape.max < shape.min) {
    c.report("V1017", c.spanFrom(start), { text: `{${shape.min},${shape.max}}` });
  }
  return shape;
}

function expectCount(c: Cursor): number {
  const t = c.token;
  if (t.kind !== "int") c.expected("a count (a whole number)", "a quantifier is written {n}, {n,m} or {n,}");
  c.next();
  return Number(t.value);
}

function parseSkip(c: Cursor): SkipClause {
  const start = c.token.span;
  if (c.eatWord("after")) c.expectWord("match", "write `after match skip ...`");
  if (c.eatWord("no")) {
    c.expectWord("skip", "write `no skip`");
    return { kind: "SkipClause", strategy: "no-skip", step: null, orFail: false, span: c.spanFrom(start) };
  }
  const hint =
    "skip strategies: `skip past last`, `skip to next`, `no skip`, `skip to first STEP [or fail]`, `skip to last STEP [or fail]`";
  c.expectWord("skip", hint);
  if (c.eatWord("past")) {
    c.expectWord("last", hint);
    return {
      kind: "SkipClause",
      strategy: "skip-past-last",
      step: null,
      orFail: false,
      span: c.spanFrom(start),
    };
  }
  c.expectWord("to", hint);
  if (c.eatWord("next"))
    return {
      kind: "SkipClause",
      strategy: "skip-to-next",
      step: null,
      orFail: false,
      span: c.spanFrom(start),
    };
  if (!c.isWord("first") && !c.isWord("last"))
    c.expected("`next`, `first STEP` or `last STEP` after `skip to`", hint);
  const strategy = c.next().text === "first" ? "skip-to-first" : "skip-to-last";
  const step = c.expectIdent("a step name");
  // `or fail`: MATCH_RECOGNIZE's error (Flink's throwExceptionOnMiss) instead of the fallback to skip to next.
  const orFail = c.eatWord("or");
  if (orFail)
    c.expectWord("fail", `write \`skip to ${strategy === "skip-to-first" ? "first" : "last"} STEP or fail\``);
  return { kind: "SkipClause", strategy, step, orFail, span: c.spanFrom(start) };
}

/** `on timeout emit to "topic" { ... }`: the output of the partial matches `within` ends. */
function parseOnTimeout(c: Cursor): EmitClause {
  c.expectWord("on");
  c.expectWord("timeout", 'write `on timeout emit to "topic" { ... }`');
  if (!c.isWord("emit")) c.expected("`emit`", 'write `on timeout emit to "topic" { ... }`');
  return parseEmit(c);
}

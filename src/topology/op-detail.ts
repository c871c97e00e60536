// Topology stage: one human line per plan operator (`sliding 1h, grace 0s; n = count(), ...`),
// shown in mermaid/dot labels and the JSON model. Pure and deterministic.
import type { Expr } from "../plan/expr.ts";
import type {
  Contiguity,
  PatternOp,
  PatternStep,
  PlanOp,
  Quantifier,
  SkipStrategy,
  WindowAggregateOp,
} from "../plan/plan.ts";
import { formatMs, formatWindow } from "../plan/print-plan.ts";

/** `5400000` -> `1h30m`; `0` -> `0s`; `1500` -> `1s500ms`; a non-finite value as JavaScript prints it. */
export function formatDuration(ms: number): string {
  return Number.isFinite(ms) ? formatMs(ms) : String(ms);
}

/** A one-line summary of what the operator does. */
export function describeOp(op: PlanOp): string {
  switch (op.kind) {
    case "filter":
      return `where ${shortExpr(op.predicate)}`;
    case "rekey":
      return `partition by ${op.keys.map(shortExpr).join(", ")}`;
    case "window-aggregate":
      return describeWindowAggregate(op);
    case "stream-join":
      return `${op.joinType} join ${op.right.stream} as ${op.right.alias} within ${formatDuration(op.withinMs)}`;
    case "table-join":
      return `${op.joinType} join table ${op.table} as ${op.alias}`;
    case "pattern":
      return describePattern(op);
  }
}

function describeWindowAggregate(op: WindowAggregateOp): string {
  const aggs = op.aggregates.map((a) => `${a.fn}(${a.arg === null ? "" : shortExpr(a.arg)}) as ${a.name}`);
  const parts = [
    `${formatWindow(op.window, formatDuration)}, grace ${formatDuration(op.graceMs)}`,
    aggs.join(", "),
  ];
  if (op.having !== null) parts.push(`having ${shortExpr(op.having)}`);
  parts.push(`emit ${op.emit}`);
  return parts.join("; ");
}

function describePattern(op: PatternOp): string {
  const steps = op.steps.map((s, i) => (i === 0 ? describeStep(s) : `${joiner(s)} ${describeStep(s)}`));
  const parts = [steps.join(" ")];
  if (op.withinMs !== null) parts.push(`within ${formatDuration(op.withinMs)}`);
  parts.push(describeSkip(op.skip));
  return parts.join("; ");
}

function joiner(s: PatternStep): string {
  const words: Record<Contiguity, string> = {
    strict: "next",
    relaxed: "followed by",
    "non-deterministic": "followed by any",
  };
  return s.negated ? `not ${words[s.contiguity]}` : words[s.contiguity];
}

function describeStep(s: PatternStep): string {
  return `${s.name}${quantifier(s.quantifier)}${s.until === null ? "" : " until ..."}`;
}

function quantifier(q: Quantifier): string {
  const lazy = q.longest ? " longest" : q.greedy ? "" : "?";
  if (q.min === 1 && q.max === 1) return "";
  if (q.min === 0 && q.max === 1) return "?";
  if (q.max === null) return (q.min === 0 ? "*" : q.min === 1 ? "+" : `{${q.min},}`) + lazy;
  return (q.min === q.max ? `{${q.min}}` : `{${q.min},${q.max}}`) + lazy;
}

function describeSkip(s: SkipStrategy): string {
  switch (s.kind) {
    case "no-skip":
      return "no skip";
    case "skip-to-next":
      return "skip to next";
    case "skip-past-last":
      return "skip past last";
    case "skip-to-first":
      return `skip to first ${s.step}${s.orFail ? " or fail" : ""}`;
    case "skip-to-last":
      return `skip to last ${s.step}${s.orFail ? " or fail" : ""}`;
  }
}

/** A compact, lossy rendering of an expression for labels (full printing is the plan printer's job). */
export function shortExpr(e: Expr): string {
  switch (e.kind) {
    case "literal":
      return typeof e.value === "string" ? JSON.stringify(e.value) : String(e.value);
    case "param":
      return e.name;
    case "field":
      return e.path.join(".");
    case "unary":
      return e.op === "not" ? `not ${shortExpr(e.operand)}` : `-${shortExpr(e.operand)}`;
    case "binary":
      return `${wrap(e.left)} ${e.op} ${wrap(e.right)}`;
    case "call":
      return `${e.fn}(${e.args.map(shortExpr).join(", ")})`;
    case "in":
      return `${shortExpr(e.operand)} ${e.negated ? "not in" : "in"} (${e.list.map(shortExpr).join(", ")})`;
    case "between":
      return `${shortExpr(e.operand)} ${e.negated ? "not between" : "between"} ${shortExpr(e.low)} and ${shortExpr(e.high)}`;
    case "is-null":
      return `${shortExpr(e.operand)} is ${e.negated ? "not null" : "null"}`;
    case "step-aggregate":
      return `${e.fn}(${e.arg === null ? e.step : shortExpr(e.arg)})`;
  }
}

function wrap(e: Expr): string {
  return e.kind === "binary" ? `(${shortExpr(e)})` : shortExpr(e);
}

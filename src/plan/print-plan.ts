// Plan stage: the plan's text dump, for goldens and `--dump plan`. Deterministic and complete:
// every field of every operator appears, expressions fully parenthesised with resolved paths.
import type { FieldType, RecordSchema } from "../core/schema.ts";
import { formatType } from "../core/schema.ts";
import type { Value } from "../core/value.ts";
import type { Expr } from "./expr.ts";
import type {
  PatternStep,
  PlanOp,
  ProgramPlan,
  Quantifier,
  RulePlan,
  SinkSpec,
  SkipStrategy,
  WindowSpec,
} from "./plan.ts";

const UNITS: readonly [string, number][] = [
  ["d", 86_400_000],
  ["h", 3_600_000],
  ["m", 60_000],
  ["s", 1_000],
  ["ms", 1],
];

/** `5400000` -> `1h30m`, `0` -> `0s`. */
export function formatMs(ms: number): string {
  if (ms === 0) return "0s";
  let rest = Math.abs(ms);
  let out = ms < 0 ? "-" : "";
  for (const [unit, size] of UNITS) {
    const n = Math.floor(rest / size);
    if (n > 0) out += `${n}${unit}`;
    rest -= n * size;
  }
  return out;
}

function value(v: Value): string {
  return JSON.stringify(v) ?? "null";
}

/** An expression, e.g. `(payments.amount > :big_amount=500)`. */
export function printExpr(e: Expr): string {
  switch (e.kind) {
    case "literal":
      return e.type.kind === "duration" && typeof e.value === "number" ? formatMs(e.value) : value(e.value);
    case "param":
      return `:${e.name}=${e.type.kind === "duration" && typeof e.defaultValue === "number" ? formatMs(e.defaultValue) : value(e.defaultValue)}`;
    case "field":
      return e.path.join(".");
    case "unary":
      return e.op === "not" ? `(not ${printExpr(e.operand)})` : `(-${printExpr(e.operand)})`;
    case "binary":
      return `(${printExpr(e.left)} ${e.op} ${printExpr(e.right)})`;
    case "call":
      return `${e.fn}(${e.args.map(printExpr).join(", ")})`;
    case "in":
      return `(${printExpr(e.operand)} ${e.negated ? "not in" : "in"} [${e.list.map(printExpr).join(", ")}])`;
    case "between":
      return `(${printExpr(e.operand)} ${e.negated ? "not between" : "between"} ${printExpr(e.low)} and ${printExpr(e.high)})`;
    case "is-null":
      return `(${printExpr(e.operand)} ${e.negated ? "is not null" : "is null"})`;
    case "step-aggregate":
      return `${e.fn}($steps.${e.step}${e.arg === null ? "" : ` -> ${printExpr(e.arg)}`})`;
  }
}

function typed(t: FieldType): string {
  return formatType(t);
}

function schema(s: RecordSchema): string {
  const f = s.fields.map(
    (x) =>
      `${x.name}: ${typed(x.type)}${x.optional ? "?" : ""}${x.defaultValue !== undefined ? ` = ${value(x.defaultValue)}` : ""}`,
  );
  return `{ ${f.join(", ")} }`;
}

/** A window, e.g. `hopping 1h advance 10m`; `duration` formats its lengths (the topology passes its own). */
export function formatWindow(w: WindowSpec, duration: (ms: number) => string = formatMs): string {
  switch (w.kind) {
    case "tumbling":
    case "sliding":
      return `${w.kind} ${duration(w.sizeMs)}`;
    case "hopping":
      return `hopping ${duration(w.sizeMs)} advance ${duration(w.advanceMs)}`;
    case "session":
      return `session gap ${duration(w.gapMs)}`;
  }
}

function quantifier(q: Quantifier): string {
  return `{${q.min},${q.max ?? ""}}${q.greedy ? " greedy" : ""}${q.longest ? " longest" : ""}`;
}

function skipText(s: SkipStrategy): string {
  return s.kind === "skip-to-first" || s.kind === "skip-to-last"
    ? `${s.kind} ${s.step}${s.orFail ? " or-fail" : ""}`
    : s.kind;
}

function stepLines(s: PatternStep, i: number): string[] {
  const head = `    step ${s.name}${s.negated ? " (negated)" : ""} ${quantifier(s.quantifier)}${i === 0 ? "" : ` after ${s.contiguity}`} inner ${s.innerContiguity}`;
  const out = [head, `      when ${s.condition === null ? "any" : printExpr(s.condition)}`];
  if (s.until !== null) out.push(`      until ${printExpr(s.until)}`);
  return out;
}

function opLines(op: PlanOp): string[] {
  switch (op.kind) {
    case "filter":
      return [`  filter ${op.name}`, `    where ${printExpr(op.predicate)}`];
    case "rekey":
      return [
        `  rekey ${op.name} -> topic ${op.repartitionTopic}`,
        `    keys [${op.keys.map(printExpr).join(", ")}]`,
      ];
    case "table-join":
      return [
        `  table-join ${op.name} ${op.joinType} ${op.table} as ${op.alias} store ${op.store.name} (${op.store.kind})`,
      ];
    case "stream-join":
      return [
        `  stream-join ${op.name} ${op.joinType} ${op.right.stream} as ${op.right.alias} within ${formatMs(op.withinMs)} grace ${formatMs(op.graceMs)} store ${op.store.name} (${op.store.kind})`,
        `    right keys [${op.rightKeys.map(printExpr).join(", ")}]`,
        ...(op.condition === null ? [] : [`    on ${printExpr(op.condition)}`]),
      ];
    case "window-aggregate":
      return [
        `  window-aggregate ${op.name} ${formatWindow(op.window)} grace ${formatMs(op.graceMs)} emit ${op.emit} store ${op.store.name} (${op.store.kind})`,
        ...op.groupBy.map((g) => `    group ${g.name} = ${printExpr(g.expr)}`),
        ...op.aggregates.map(
          (a) => `    aggregate ${a.name} = ${a.fn}(${a.arg === null ? "" : printExpr(a.arg)})`,
        ),
        ...(op.having === null ? [] : [`    having ${printExpr(op.having)}`]),
      ];
    case "pattern":
      return [
        `  pattern ${op.name}${op.startOnce ? " once" : ""} within ${op.withinMs === null ? "none" : formatMs(op.withinMs)}${op.gapMs === null ? "" : ` gap ${formatMs(op.gapMs)}`} ${skipText(op.skip)} store ${op.store.name} (${op.store.kind})`,
        ...op.steps.flatMap(stepLines),
        ...(op.onTimeout === null ? [] : sinkLines("timeout-sink", op.onTimeout)),
      ];
  }
}

function sinkLines(word: string, s: SinkSpec): string[] {
  return [
    `  ${word} ${s.name} -> "${s.topic}"`,
    ...s.projection.map((p) => `    ${p.name} = ${printExpr(p.expr)}`),
    `    schema ${schema(s.outputSchema)}`,
  ];
}

function ruleLines(r: RulePlan): string[] {
  return [
    `rule ${r.name}`,
    `  source ${r.source.stream} as ${r.source.alias}`,
    ...r.ops.flatMap(opLines),
    ...sinkLines("sink", r.sink),
  ];
}

/** The whole plan as text, one declaration or operator per line (plus detail lines). */
export function printPlan(plan: ProgramPlan): string {
  const lines: string[] = [];
  for (const s of plan.streams) {
    const time =
      s.timeField === null ? "append time" : `event time ${s.timeField} lateness ${formatMs(s.latenessMs)}`;
    lines.push(
      `stream ${s.name} topic "${s.topic}" key ${s.keyField ?? "none"} ${time}`,
      `  schema ${schema(s.schema)}`,
    );
  }
  for (const t of plan.tables) {
    lines.push(`table ${t.name} topic "${t.topic}" key ${t.keyField}`, `  schema ${schema(t.schema)}`);
  }
  for (const p of plan.params) lines.push(`param ${p.name} = ${value(p.defaultValue)}`);
  for (const r of plan.rules) lines.push(...ruleLines(r));
  return `${lines.join("\n")}\n`;
}

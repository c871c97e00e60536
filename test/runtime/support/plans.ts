// Test support: hand-built ProgramPlans (filter, window, re-key) over a small `payments` stream, and a
// seeded record generator, for the runtime tests until the compiler's plans are used directly.

import { T } from "../../../src/core/schema.ts";
import type { Row } from "../../../src/core/value.ts";
import type { Expr } from "../../../src/plan/expr.ts";
import type { PlanOp, ProgramPlan, RulePlan, StreamDecl, WindowSpec } from "../../../src/plan/plan.ts";

export const payments: StreamDecl = {
  name: "payments",
  topic: "payments",
  keyField: "card",
  format: "json",
  schema: {
    fields: [
      { name: "id", type: T.int, optional: false },
      { name: "card", type: T.string, optional: false },
      { name: "amount", type: T.float, optional: false },
      { name: "ts", type: T.timestamp, optional: false },
    ],
  },
  timeField: "ts",
  latenessMs: 1_000,
};

export const field = (...path: string[]): Expr => ({ kind: "field", path, type: T.any });
export const lit = (value: number): Expr => ({ kind: "literal", value, type: T.float });

export function filterRule(name = "big", min = 100): RulePlan {
  return {
    name,
    source: { stream: "payments", alias: "p" },
    ops: [
      {
        kind: "filter",
        name: "where",
        predicate: { kind: "binary", op: ">", left: field("p", "amount"), right: lit(min), type: T.bool },
      },
    ],
    sink: {
      name: "sink",
      topic: "alerts",
      projection: [
        { name: "id", expr: field("p", "id") },
        { name: "card", expr: field("p", "card") },
        { name: "amount", expr: field("p", "amount") },
      ],
      outputSchema: { fields: [] },
    },
  };
}

export function windowOp(
  name: string,
  window: WindowSpec,
  emit: "final" | "changes" = "final",
  graceMs = 0,
): PlanOp {
  return {
    kind: "window-aggregate",
    name,
    groupBy: [],
    window,
    graceMs,
    aggregates: [
      { name: "n", fn: "count", arg: null },
      { name: "total", fn: "sum", arg: field("p", "amount") },
    ],
    having: null,
    emit,
    store: { name: `${name}.store`, kind: "window" },
  };
}

/** A window rule: count and sum per key; `rekey` first re-keys by amount bucket (a repartition). */
export function windowRule(
  name: string,
  window: WindowSpec,
  opts: { emit?: "final" | "changes"; rekey?: boolean } = {},
): RulePlan {
  const ops: PlanOp[] = [];
  if (opts.rekey) {
    ops.push({
      kind: "rekey",
      name: "by-bucket",
      keys: [
        {
          kind: "call",
          fn: "floor",
          args: [{ kind: "binary", op: "/", left: field("p", "amount"), right: lit(100), type: T.float }],
          type: T.float,
        },
      ],
      repartitionTopic: `${name}.by-bucket-repartition`,
    });
  }
  ops.push(windowOp(`${name}-win`, window, opts.emit ?? "final"));
  return {
    name,
    source: { stream: "payments", alias: "p" },
    ops,
    sink: {
      name: "sink",
      topic: "counts",
      projection: [
        { name: "key", expr: field("$", "key") },
        { name: "start", expr: field("$", "window_start") },
        { name: "end", expr: field("$", "window_end") },
        { name: "n", expr: field("$", "n") },
        { name: "total", expr: field("$", "total") },
      ],
      outputSchema: { fields: [] },
    },
  };
}

export function planOf(rules: RulePlan[], stream: StreamDecl = payments): ProgramPlan {
  return { streams: [stream], tables: [], params: [], rules };
}

/** A tiny seeded PRNG (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `count` payments over `cards` cards: record i at about i seconds, jittered by under 500 ms (the
 * lateness is 1 s, so nothing is late whatever the partitioning); timestamps are distinct.
 */
export function paymentRows(seed: number, count: number, cards = 5): Row[] {
  const r = rng(seed);
  return Array.from({ length: count }, (_, i) => ({
    id: i,
    card: `c${Math.floor(r() * cards)}`,
    amount: Math.floor(r() * 300),
    ts: 1_000_000 + i * 1000 + Math.floor(r() * 800) - 400,
  }));
}

// Test fixtures: hand-built ProgramPlans (no compiler needed) for the topology tests.
import { T } from "../../src/core/schema.ts";
import type { Expr } from "../../src/plan/expr.ts";
import type { PlanOp, ProgramPlan, RulePlan, StreamDecl, TableDecl } from "../../src/plan/plan.ts";

export const field = (...path: string[]): Expr => ({ kind: "field", path, type: T.float });
export const lit = (value: number): Expr => ({ kind: "literal", value, type: T.float });
export const lt = (left: Expr, right: Expr): Expr => ({ kind: "binary", op: "<", left, right, type: T.bool });

const schema = { fields: [] };

export const payments: StreamDecl = {
  name: "payments",
  topic: "payments",
  keyField: "card_id",
  format: "json",
  schema,
  timeField: "ts",
  latenessMs: 30_000,
};

export const activity: StreamDecl = {
  ...payments,
  name: "activity",
  topic: "account-activity",
  keyField: "customer_id",
};

export const cards: TableDecl = {
  name: "cards",
  topic: "cards",
  keyField: "card_id",
  format: "json",
  schema,
  timeField: null,
};

function rule(name: string, ops: PlanOp[], source = "payments"): RulePlan {
  return {
    name,
    source: { stream: source, alias: source },
    ops,
    sink: { name: `${name}.sink`, topic: "alerts", projection: [], outputSchema: schema },
  };
}

export const cardTesting: RulePlan = rule("card_testing", [
  {
    kind: "pattern",
    name: "card_testing.pattern",
    steps: [
      {
        name: "small",
        condition: lt(field("small", "amount"), lit(2)),
        quantifier: { min: 3, max: null, greedy: true, longest: false },
        contiguity: "relaxed",
        innerContiguity: "relaxed",
        until: null,
        negated: false,
      },
      {
        name: "big",
        condition: null,
        quantifier: { min: 1, max: 1, greedy: true, longest: false },
        contiguity: "relaxed",
        innerContiguity: "strict",
        until: null,
        negated: false,
      },
    ],
    withinMs: 600_000,
    skip: { kind: "skip-past-last" },
    store: { name: "card_testing.pattern", kind: "pattern-buffer" },
    onTimeout: null,
    gapMs: null,
    startOnce: false,
  },
]);

export const velocityByCustomer: RulePlan = rule("velocity", [
  { kind: "filter", name: "velocity.where", predicate: lt(lit(0), field("payments", "amount")) },
  {
    kind: "rekey",
    name: "velocity.rekey",
    keys: [field("payments", "customer_id")],
    repartitionTopic: "velocity.rekey-repartition",
  },
  {
    kind: "window-aggregate",
    name: "velocity.window",
    groupBy: [{ name: "customer_id", expr: field("payments", "customer_id") }],
    window: { kind: "sliding", sizeMs: 3_600_000 },
    graceMs: 0,
    aggregates: [{ name: "n", fn: "count", arg: null }],
    having: lt(lit(10), field("$", "n")),
    emit: "final",
    store: { name: "velocity.window", kind: "window" },
  },
]);

export const amountSpike: RulePlan = rule("amount_spike", [
  {
    kind: "table-join",
    name: "amount_spike.join",
    table: "cards",
    alias: "card",
    joinType: "inner",
    store: { name: "amount_spike.join", kind: "key-value" },
  },
  {
    kind: "filter",
    name: "amount_spike.where",
    predicate: lt(field("card", "avg_amount_30d"), field("payments", "amount")),
  },
]);

export const loginThenPay: RulePlan = rule(
  "login_then_pay",
  [
    {
      kind: "stream-join",
      name: "login_then_pay.join",
      right: { stream: "payments", alias: "p" },
      rightKeys: [field("p", "customer_id")],
      withinMs: 300_000,
      graceMs: 0,
      condition: null,
      joinType: "inner",
      store: { name: "login_then_pay.join", kind: "join-buffer" },
    },
  ],
  "activity",
);

/** A program with the given rules over the fraud streams. */
export function program(...rules: RulePlan[]): ProgramPlan {
  return { streams: [payments, activity], tables: [cards], params: [], rules };
}

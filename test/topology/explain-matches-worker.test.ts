// `vigil explain` lists exactly the internal topics a Kafka worker creates: for each plan, the
// topology's internal topics, resolved for N input partitions, equal the changelog and repartition
// topic requests of the worker's layout (internalTopicRequests, used by prepareLayouts) plus the
// default dead-letter topic (created when absent, N partitions).
import assert from "node:assert/strict";
import { test } from "node:test";
import { internalTopicRequests } from "../../src/kafka/worker-layout.ts";
import { compileProgram } from "../../src/plan/compile.ts";
import {
  TASK_STORE as PLAN_TASK_STORE,
  TIMER_STORE as PLAN_TIMER_STORE,
} from "../../src/plan/internal-topics.ts";
import type { ProgramPlan } from "../../src/plan/plan.ts";
import { TASK_STORE, TIMER_STORE } from "../../src/runtime/task.ts";
import { buildTopology, resolvePartitions } from "../../src/topology/index.ts";
import { readFromRoot, vigilFiles } from "../support/goldens.ts";
import { amountSpike, cardTesting, loginThenPay, program, velocityByCustomer } from "./plan-fixtures.ts";

interface Listed {
  readonly name: string;
  readonly partitions: number;
  readonly compacted: boolean;
}

function explained(plan: ProgramPlan, app: string, n: number): Listed[] {
  const topology = buildTopology(plan, app);
  const counts = new Map(topology.topics.sources.map((s) => [s.name, n]));
  const resolved = resolvePartitions(topology, counts);
  assert.deepEqual(resolved.errors, []);
  return topology.topics.internal
    .map((t) => ({
      name: t.name,
      partitions: resolved.internal.get(t.name)!,
      compacted: t.cleanupPolicy === "compact",
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

function created(plan: ProgramPlan, app: string, n: number): Listed[] {
  const requests = internalTopicRequests(plan, app, n).map((r) => ({
    name: r.name,
    partitions: r.partitions,
    compacted: r.compacted,
  }));
  const deadLetters = { name: `${app}-dead-letters`, partitions: n, compacted: false };
  return [...requests, deadLetters].sort((a, b) => a.name.localeCompare(b.name));
}

const plans: [string, ProgramPlan][] = [
  ["a re-key then a window", program(velocityByCustomer)],
  ["a stream join with a re-keyed right side", program(loginThenPay)],
  ["a table join", program(amountSpike)],
  [
    "several rules, one of them re-keyed",
    program(cardTesting, velocityByCustomer, amountSpike, loginThenPay),
  ],
  ...vigilFiles("dsl/conformance/check/valid").map((file): [string, ProgramPlan] => {
    const result = compileProgram([file], { readFile: readFromRoot });
    assert.ok(result.plan, `${file} compiles`);
    return [file, result.plan];
  }),
];

for (const [label, plan] of plans) {
  test(`explain lists the topics the worker creates: ${label}`, () => {
    for (const n of [1, 3]) assert.deepEqual(explained(plan, "grp", n), created(plan, "grp", n));
  });
}

test("a window after a re-key: its changelog is task group 1's, the repartition topic has N*N partitions", () => {
  const topics = created(program(velocityByCustomer), "grp", 4);
  assert.ok(
    topics.some((t) => t.name === "grp-g1-velocity.window-changelog" && t.partitions === 4 && t.compacted),
  );
  assert.ok(
    topics.some((t) => t.name === "grp-velocity.rekey-repartition" && t.partitions === 16 && !t.compacted),
  );
  assert.ok(topics.some((t) => t.name === "grp-g1-_timers-changelog"));
});

test("the plan's task-level store names are the runtime's", () => {
  assert.equal(PLAN_TIMER_STORE, TIMER_STORE);
  assert.equal(PLAN_TASK_STORE, TASK_STORE);
});

// Property tests for the topology builder over random plans (any mix of filters, re-keys, windows,
// patterns, table and stream joins): the graph is consistent, deterministic, and every internal
// topic's partition requirement points at external topics only.
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import type { PlanOp, RulePlan } from "../../src/plan/plan.ts";
import { buildTopology } from "../../src/topology/index.ts";
import type { Topology } from "../../src/topology/topology.ts";
import { field, lit, lt, program } from "./plan-fixtures.ts";

type OpKind = "filter" | "rekey" | "window" | "pattern" | "table" | "join-same" | "join-other";

function op(rule: string, kind: OpKind, i: number): PlanOp {
  const name = `${rule}.op${i}`;
  const store = (k: "key-value" | "window" | "join-buffer" | "pattern-buffer") => ({ name, kind: k });
  switch (kind) {
    case "filter":
      return { kind: "filter", name, predicate: lt(lit(1), field("payments", "amount")) };
    case "rekey":
      return {
        kind: "rekey",
        name,
        keys: [field("payments", "customer_id")],
        repartitionTopic: `${name}-repartition`,
      };
    case "window":
      return {
        kind: "window-aggregate",
        name,
        groupBy: [],
        window: { kind: "tumbling", sizeMs: 60_000 },
        graceMs: 0,
        aggregates: [{ name: "n", fn: "count", arg: null }],
        having: null,
        emit: "final",
        store: store("window"),
      };
    case "pattern":
      return {
        kind: "pattern",
        name,
        steps: [],
        withinMs: 1000,
        skip: { kind: "skip-past-last" },
        store: store("pattern-buffer"),
        onTimeout: null,
        gapMs: null,
        startOnce: false,
      };
    case "table":
      return {
        kind: "table-join",
        name,
        table: "cards",
        alias: "card",
        joinType: "left",
        store: store("key-value"),
      };
    case "join-same":
    case "join-other":
      return {
        kind: "stream-join",
        name,
        right: { stream: "activity", alias: "a" },
        rightKeys: [field("a", kind === "join-same" ? "customer_id" : "device_id")],
        withinMs: 5000,
        graceMs: 0,
        condition: null,
        joinType: "inner",
        store: store("join-buffer"),
      };
  }
}

const ruleArb = (index: number) =>
  fc
    .record({
      source: fc.constantFrom("payments", "activity"),
      ops: fc.array(
        fc.constantFrom<OpKind>("filter", "rekey", "window", "pattern", "table", "join-same", "join-other"),
        {
          maxLength: 5,
        },
      ),
    })
    .map(({ source, ops }): RulePlan => {
      const name = `r${index}`;
      return {
        name,
        source: { stream: source, alias: source },
        ops: ops.map((k, i) => op(name, k, i)),
        sink: {
          name: `${name}.sink`,
          topic: index % 2 === 0 ? "alerts" : "metrics",
          projection: [],
          outputSchema: { fields: [] },
        },
      };
    });

const planArb = fc
  .integer({ min: 1, max: 4 })
  .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => ruleArb(i))));

function checkInvariants(t: Topology): void {
  const nodes = t.subTopologies.flatMap((s) => s.nodes);
  const names = new Set(nodes.map((n) => n.name));
  assert.equal(names.size, nodes.length, "node names are unique");
  assert.deepEqual(
    t.subTopologies.map((s) => s.id),
    t.subTopologies.map((_, i) => i),
    "ids are 0..n-1",
  );
  for (const e of t.edges) {
    assert.ok(names.has(e.from) && names.has(e.to));
    const [from, to] = [nodes.find((n) => n.name === e.from)!, nodes.find((n) => n.name === e.to)!];
    assert.equal(from.subTopology, to.subTopology, "edges stay inside a sub-topology");
  }
  for (const n of nodes) {
    if (n.kind === "source") assert.equal(n.predecessors.length, 0);
    if (n.kind === "sink") assert.equal(n.successors.length, 0);
    if (n.kind !== "source") assert.ok(n.predecessors.length > 0, `${n.name} has an input`);
  }
  for (const s of t.stores) {
    for (const p of s.processors) assert.equal(nodes.find((n) => n.name === p)?.subTopology, s.subTopology);
    const prefix = s.taskGroup === 0 ? t.app : `${t.app}-g${s.taskGroup}`;
    assert.equal(s.changelogTopic, `${prefix}-${s.name}-changelog`);
  }
  const internal = t.topics.internal;
  assert.equal(new Set(internal.map((i) => i.name)).size, internal.length, "internal topic names are unique");
  for (const s of t.stores)
    assert.ok(internal.some((i) => i.name === s.changelogTopic && i.owner === s.name));
  for (const i of internal) {
    assert.equal(i.partitions, i.kind === "repartition" ? "N*N" : "N", `${i.name} partitions`);
    assert.equal(i.cleanupPolicy, i.kind === "changelog" ? "compact" : "delete", `${i.name} cleanup`);
  }
  const repartitionSinks = nodes.filter((n) => n.kind === "sink" && n.target === "repartition");
  assert.equal(repartitionSinks.length, t.topics.internal.filter((i) => i.kind === "repartition").length);
}

test("random plans give consistent, deterministic topologies", () => {
  fc.assert(
    fc.property(planArb, (rules) => {
      const t = buildTopology(program(...rules), "app");
      checkInvariants(t);
      assert.deepEqual(buildTopology(structuredClone(program(...rules)), "app"), t);
    }),
    { numRuns: 300 },
  );
});

// Tests for the topology builder: sub-topology split at repartitions, deterministic names,
// stores with changelogs, internal topics with partition requirements, co-partition groups.
import assert from "node:assert/strict";
import { test } from "node:test";
import { buildTopology, resolvePartitions } from "../../src/topology/index.ts";
import type { ProcessorNode, Topology, TopologyNode } from "../../src/topology/topology.ts";
import { amountSpike, cardTesting, loginThenPay, program, velocityByCustomer } from "./plan-fixtures.ts";

function node(t: Topology, name: string): TopologyNode {
  const found = t.subTopologies.flatMap((s) => s.nodes).find((n) => n.name === name);
  assert.ok(found, `node ${name} exists`);
  return found;
}

test("a single pattern rule is one sub-topology: source -> pattern -> sink", () => {
  const t = buildTopology(program(cardTesting), "fraud");
  assert.equal(t.subTopologies.length, 1);
  assert.deepEqual(
    t.subTopologies[0]!.nodes.map((n) => `${n.kind}:${n.name}`),
    ["source:payments-source", "processor:card_testing.pattern", "sink:card_testing.sink"],
  );
  assert.deepEqual(t.edges, [
    { from: "payments-source", to: "card_testing.pattern" },
    { from: "card_testing.pattern", to: "card_testing.sink" },
  ]);
  assert.deepEqual(t.stores, [
    {
      name: "card_testing.pattern",
      kind: "pattern-buffer",
      rule: "card_testing",
      processors: ["card_testing.pattern"],
      subTopology: 0,
      taskGroup: 0,
      changelogTopic: "fraud-card_testing.pattern-changelog",
    },
  ]);
  assert.deepEqual(t.topics.sources, [{ name: "payments", users: ["payments"] }]);
  assert.deepEqual(t.topics.sinks, [{ name: "alerts", users: ["card_testing"] }]);
});

test("a re-key splits the rule at an internal repartition topic named after the app", () => {
  const t = buildTopology(program(velocityByCustomer), "app1");
  assert.equal(t.subTopologies.length, 2);
  const sink = node(t, "velocity.rekey-repartition-sink");
  assert.equal(sink.kind === "sink" && sink.topic, "app1-velocity.rekey-repartition");
  const source = node(t, "velocity.rekey-repartition-source");
  assert.equal(source.subTopology, 1);
  assert.deepEqual(source.kind === "source" && source.topics, ["app1-velocity.rekey-repartition"]);
  assert.equal(node(t, "velocity.window").subTopology, 1);
  // Task group 1 (after the re-key) prefixes its changelogs with `g1`; every group has its own
  // `$timers` and `$task` changelogs; a repartition topic has N*N partitions (one channel per pair).
  assert.deepEqual(
    t.topics.internal.map((x) => [x.name, x.kind, x.cleanupPolicy, x.partitions, x.taskGroup]),
    [
      ["app1-_timers-changelog", "changelog", "compact", "N", 0],
      ["app1-_task-changelog", "changelog", "compact", "N", 0],
      ["app1-g1-velocity.window-changelog", "changelog", "compact", "N", 1],
      ["app1-g1-_timers-changelog", "changelog", "compact", "N", 1],
      ["app1-g1-_task-changelog", "changelog", "compact", "N", 1],
      ["app1-velocity.rekey-repartition", "repartition", "delete", "N*N", 0],
      ["app1-dead-letters", "dead-letter", "delete", "N", null],
    ],
  );
  assert.equal(t.stores[0]?.changelogTopic, "app1-g1-velocity.window-changelog");
});

test("a table join shares its store between the materializer and the join, and co-partitions", () => {
  const t = buildTopology(program(amountSpike), "x");
  const store = t.stores.find((s) => s.name === "amount_spike.join");
  assert.deepEqual(store?.processors, ["amount_spike.join-materialize", "amount_spike.join"]);
  assert.equal(t.subTopologies.length, 1);
  assert.deepEqual(t.copartitionGroups, [{ processor: "amount_spike.join", topics: ["cards", "payments"] }]);
  const materializer = node(t, "amount_spike.join-materialize") as ProcessorNode;
  assert.equal(materializer.role, "table-materialize");
  assert.deepEqual(materializer.predecessors, ["cards-source"]);
});

test("a stream join keyed differently on the right repartitions the right side", () => {
  const t = buildTopology(program(loginThenPay), "x");
  const join = node(t, "login_then_pay.join");
  assert.deepEqual(join.predecessors, [
    "activity-source",
    "login_then_pay.join.right-rekey-repartition-source",
  ]);
  assert.deepEqual(t.copartitionGroups[0]?.topics, [
    "account-activity",
    "x-login_then_pay.join.right-rekey-repartition",
  ]);
  const repartition = t.topics.internal.find((i) => i.kind === "repartition");
  // The right re-key runs in the last task group (1), which writes the repartition topic.
  assert.deepEqual(
    [repartition?.name, repartition?.owner, repartition?.taskGroup, repartition?.partitions],
    ["x-login_then_pay.join.right-rekey-repartition", "login_then_pay.join.right-rekey", 1, "N*N"],
  );
});

test("rules reading one stream share one source node; every declared stream feeds sub-topology 0", () => {
  const plan = program(cardTesting, velocityByCustomer, amountSpike, loginThenPay);
  const a = buildTopology(plan, "fraud");
  const b = buildTopology(structuredClone(plan), "fraud");
  assert.deepEqual(a, b);
  const sources = a.subTopologies.flatMap((s) => s.nodes).filter((n) => n.name === "payments-source");
  assert.equal(sources.length, 1);
  assert.deepEqual(sources[0]!.successors, [
    "card_testing.pattern",
    "velocity.where",
    "amount_spike.join",
    "login_then_pay.join.right-rekey",
  ]);
  assert.deepEqual(
    a.subTopologies.map((s) => s.rules),
    [["card_testing", "velocity", "amount_spike", "login_then_pay"], ["velocity"]],
  );
});

test("successors and predecessors agree with the edge list", () => {
  const t = buildTopology(program(cardTesting, velocityByCustomer, amountSpike, loginThenPay));
  const nodes = t.subTopologies.flatMap((s) => s.nodes);
  const fromNodes = nodes.flatMap((n) => n.successors.map((to) => `${n.name}->${to}`)).sort();
  const fromPreds = nodes.flatMap((n) => n.predecessors.map((from) => `${from}->${n.name}`)).sort();
  assert.deepEqual(fromNodes, t.edges.map((e) => `${e.from}->${e.to}`).sort());
  assert.deepEqual(fromPreds, fromNodes);
  assert.equal(t.app, "vigil");
  assert.equal(new Set(nodes.map((n) => n.name)).size, nodes.length);
});

test("duplicate operator names are an error, not a silently merged node", () => {
  assert.throws(
    () => buildTopology(program(cardTesting, cardTesting)),
    /two nodes are named 'card_testing.pattern'/,
  );
});

test("resolvePartitions: changelogs get N, repartition topics N*N; unequal or missing inputs are reported", () => {
  const t = buildTopology(program(velocityByCustomer, amountSpike), "x");
  const ok = resolvePartitions(
    t,
    new Map([
      ["payments", 6],
      ["cards", 6],
    ]),
  );
  assert.deepEqual(ok.errors, []);
  assert.equal(ok.n, 6);
  assert.equal(ok.internal.get("x-velocity.rekey-repartition"), 36);
  assert.equal(ok.internal.get("x-g1-velocity.window-changelog"), 6);
  assert.equal(ok.internal.get("x-dead-letters"), 6);
  const bad = resolvePartitions(
    t,
    new Map([
      ["payments", 6],
      ["cards", 3],
    ]),
  );
  assert.match(bad.errors.join("\n"), /same partition count: payments=6, cards=3/);
  const missing = resolvePartitions(t, new Map([["payments", 2]]));
  assert.match(missing.errors.join("\n"), /topic 'cards' does not exist/);
});

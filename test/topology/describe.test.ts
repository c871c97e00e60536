// Tests for the topology renderings: the Kafka Streams text layout, Mermaid, DOT and JSON.
import assert from "node:assert/strict";
import { test } from "node:test";
import { buildTopology, formatDuration, renderTopology } from "../../src/topology/index.ts";
import { amountSpike, cardTesting, loginThenPay, program, velocityByCustomer } from "./plan-fixtures.ts";

test("text: the Kafka Streams describe layout", () => {
  const text = renderTopology(buildTopology(program(cardTesting), "fraud"), "text");
  const expected = [
    "Topologies:",
    "   Sub-topology: 0",
    "    Source: payments-source (topics: [payments])",
    "      --> card_testing.pattern",
    "    Processor: card_testing.pattern (stores: [card_testing.pattern])",
    "      --> card_testing.sink",
    "      <-- payments-source",
    "    Sink: card_testing.sink (topic: alerts)",
    "      <-- card_testing.pattern",
    "",
    "Stores:",
    "  card_testing.pattern (pattern-buffer, sub-topology 0, task group 0, changelog: fraud-card_testing.pattern-changelog)",
    "",
    "Internal topics (N = partitions of every input topic: payments):",
    "  fraud-card_testing.pattern-changelog (changelog, compacted, task group 0, N partitions)",
    "  fraud-_timers-changelog (changelog, compacted, task group 0, N partitions)",
    "  fraud-_task-changelog (changelog, compacted, task group 0, N partitions)",
    "  fraud-dead-letters (dead letters, N partitions, created when absent)",
    "",
  ].join("\n");
  assert.equal(text, expected);
});

test("text: repartition sub-topologies, 'none' for nodes without successors, co-partitioning", () => {
  const text = renderTopology(buildTopology(program(velocityByCustomer, amountSpike), "a"), "text");
  assert.match(text, /Sink: velocity.rekey-repartition-sink \(topic: a-velocity.rekey-repartition\)/);
  assert.match(
    text,
    /Sub-topology: 1\n {4}Source: velocity.rekey-repartition-source \(topics: \[a-velocity.rekey-repartition\]\)/,
  );
  assert.match(
    text,
    /Processor: amount_spike.join-materialize \(stores: \[amount_spike.join\]\)\n {6}--> none/,
  );
  assert.match(text, /Processor: velocity.where \(stores: \[\]\)/);
  assert.match(text, /Co-partitioned topics:\n {2}\[cards, payments\] \(join: amount_spike.join\)/);
  assert.match(
    text,
    /a-velocity.rekey-repartition \(repartition, written by task group 0, N\*N partitions\)/,
  );
});

test("mermaid: one subgraph per sub-topology, escaped labels, topic and store nodes", () => {
  const out = renderTopology(buildTopology(program(cardTesting, velocityByCustomer), "a"), "mermaid");
  assert.ok(out.startsWith("flowchart LR\n"));
  assert.equal(out.match(/subgraph st\d+/g)?.length, 2);
  assert.equal(out.match(/^ {2}end$/gm)?.length, 2);
  assert.match(out, /n0\[\/"payments-source"\/\]/);
  assert.match(out, /where 0 #lt; payments.amount/);
  assert.doesNotMatch(out, /where 0 < /);
  assert.match(out, /t0\(\["payments"\]\)\n/);
  assert.match(out, /s0\[\("card_testing.pattern"\)\]/);
  assert.match(out, /n1 -\.- s0/);
  assert.match(out, /t0 --> n0/);
});

test("dot: clusters, quoted ids, store links", () => {
  const out = renderTopology(buildTopology(program(amountSpike, velocityByCustomer), "a"), "dot");
  assert.ok(out.startsWith("digraph topology {\n"));
  assert.ok(out.endsWith("}\n"));
  assert.equal(out.match(/subgraph cluster_\d+ \{/g)?.length, 2);
  assert.match(out, /"amount_spike.join" -> "store:amount_spike.join" \[style=dashed, arrowhead=none\];/);
  assert.match(out, /"topic:cards" -> "cards-source";/);
  assert.match(out, /label="amount_spike.where\\nwhere card.avg_amount_30d < payments.amount"/);
});

test("json: parses back to the model, canonical key order, stable across builds", () => {
  const plan = program(cardTesting, velocityByCustomer, amountSpike, loginThenPay);
  const t = buildTopology(plan, "fraud");
  const json = renderTopology(t, "json");
  assert.deepEqual(JSON.parse(json), JSON.parse(JSON.stringify(t)));
  assert.equal(renderTopology(buildTopology(structuredClone(plan), "fraud"), "json"), json);
  const parsed = JSON.parse(json);
  assert.deepEqual(Object.keys(parsed), [
    "version",
    "app",
    "subTopologies",
    "edges",
    "stores",
    "topics",
    "copartitionGroups",
    "consumerGroups",
  ]);
  assert.deepEqual(Object.keys(parsed.subTopologies[0].nodes[0]), [
    "kind",
    "name",
    "subTopology",
    "topics",
    "origin",
    "declaration",
    "successors",
    "predecessors",
  ]);
  assert.equal(parsed.version, 2);
});

test("details: windows, patterns and durations read like the DSL", () => {
  const t = buildTopology(program(cardTesting, velocityByCustomer), "a");
  const details = t.subTopologies
    .flatMap((s) => s.nodes)
    .flatMap((n) => (n.kind === "processor" ? [n.detail] : []));
  assert.ok(details.includes("small{3,} followed by big; within 10m; skip past last"));
  assert.ok(details.includes("sliding 1h, grace 0s; count() as n; having 10 < $.n; emit final"));
  assert.deepEqual([0, 500, 1500, 90_000, 5_400_000, 7 * 86_400_000].map(formatDuration), [
    "0s",
    "500ms",
    "1s500ms",
    "1m30s",
    "1h30m",
    "7d",
  ]);
});

import assert from "node:assert/strict";
import { test } from "node:test";
import { planSegments, repartitionTopics, topicOrder } from "../../src/plan/segments.ts";
import { taskGroups } from "../../src/plan/task-groups.ts";
import { filterRule, planOf, windowRule } from "./support/plans.ts";

const plan = planOf([filterRule(), windowRule("rk", { kind: "tumbling", sizeMs: 1_000 }, { rekey: true })]);

test("a rule is split at its re-key: upstream ends in the repartition, downstream reads it", () => {
  const segs = planSegments(plan).map((s) => ({
    id: s.id,
    input: s.inputTopic,
    kind: s.inputKind,
    ops: s.ops.map((o) => o.kind),
    rekey: s.rekey?.repartitionTopic ?? null,
  }));
  assert.deepEqual(segs, [
    { id: "big#0", input: "payments", kind: "stream", ops: ["filter"], rekey: null },
    { id: "rk#0", input: "payments", kind: "stream", ops: [], rekey: "rk.by-bucket-repartition" },
    {
      id: "rk#1",
      input: "rk.by-bucket-repartition",
      kind: "repartition",
      ops: ["window-aggregate"],
      rekey: null,
    },
  ]);
  assert.deepEqual([...repartitionTopics(plan)], [["rk.by-bucket-repartition", 1_000]]);
  assert.deepEqual(
    [...topicOrder(plan)],
    [
      ["payments", 0],
      ["rk.by-bucket-repartition", 1],
    ],
  );
});

test("task groups: external inputs first, then one group per repartition topic, fed by the group that writes it", () => {
  const groups = taskGroups(plan).map((g) => ({
    segments: g.segments,
    topics: g.topics,
    upstream: [...g.upstream],
  }));
  assert.deepEqual(groups, [
    { segments: ["big#0", "rk#0"], topics: ["payments"], upstream: [] },
    { segments: ["rk#1"], topics: ["rk.by-bucket-repartition"], upstream: [["rk.by-bucket-repartition", 0]] },
  ]);
});

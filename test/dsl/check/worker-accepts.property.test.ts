// Property (issue 15): `vigil check` succeeds if and only if the Kafka worker accepts the plan. Random
// rule sets are built from valid parts, many of them shapes the worker refused before consumer
// lanes (a stream read before and after a re-key, re-keyed stream-join sides, tables joined after
// `partition by` or on another field, rules re-keying one stream differently) and rules that feed
// each other through topics (chains, and cycles). For each: the plan lowered without the worker
// check is accepted by the worker's pure test (workerPlanProblems) exactly when compileProgram
// reports no error, and a refusal is a V2502 diagnostic; an accepted plan's lanes read each topic once.
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { checkProgram } from "../../../src/dsl/check/check-program.ts";
import { Reporter } from "../../../src/dsl/check/report.ts";
import { hasErrors } from "../../../src/dsl/diagnostics/diagnostic.ts";
import { buildPlan } from "../../../src/plan/build-plan.ts";
import { compileProgram } from "../../../src/plan/compile.ts";
import { loadSources } from "../../../src/plan/load-sources.ts";
import type { ProgramPlan } from "../../../src/plan/plan.ts";
import { taskGroups } from "../../../src/plan/task-groups.ts";
import { consumerLanes, workerPlanProblems } from "../../../src/plan/worker-lanes.ts";

const PRELUDE = `
stream payments from topic "payments" key card_id
  schema { card_id: string, customer_id: string, amount: float, merchant: string, ts: timestamp }
  event time ts, lateness 5s
stream logins from topic "logins" key customer_id
  schema { customer_id: string, card_id: string, device_id: string, ts: timestamp } event time ts
stream flagged from topic "flagged" key card_id
  schema { card_id: string, customer_id: string, amount: float, merchant: string, ts: timestamp }
  event time ts
table cards from topic "cards" key card_id schema { card_id: string, home: string }
table customers from topic "customers" key customer_id schema { customer_id: string, seg: string }
`;

const rule = fc.record({
  from: fc.constantFrom("payments", "payments", "logins", "flagged"),
  join: fc.constantFrom(
    "",
    "join table cards",
    "left join table cards as k",
    "join table customers as c on c.customer_id = customer_id",
    "join payments as p2 on p2.card_id = card_id within 1m",
    "join payments as p2 on p2.customer_id = customer_id within 1m",
    "join logins as l on l.card_id = card_id within 1m",
  ),
  where: fc.constantFrom("", "where ts > ts - 1m"),
  partition: fc.constantFrom("", "partition by card_id", "partition by customer_id", "partition by merchant"),
  lateJoin: fc.constantFrom(
    "",
    "join table cards as k2 on k2.card_id = card_id",
    "join table customers as c2 on c2.customer_id = customer_id",
    "join logins as l2 on l2.customer_id = customer_id within 1m",
  ),
  body: fc.constantFrom(
    "",
    "window sliding 10m aggregate count() as cnt",
    "window tumbling 1m aggregate count() as cnt",
    "match a: ts > ts - 1m -> b: ts > a.ts within 10m",
  ),
  to: fc.constantFrom("o1", "o2", "flagged", "payments"),
});

const ruleSet = fc
  .array(rule, { minLength: 1, maxLength: 4 })
  .map((rules) =>
    rules
      .map((r, i) =>
        [
          `rule r${i} from ${r.from}`,
          r.join,
          r.where,
          r.partition,
          r.lateJoin,
          r.body,
          `emit to "${r.to}" { n: 1 }`,
        ].join("\n  "),
      )
      .join("\n\n"),
  );

/** The plan as the checker lowers it before the worker test, or null when other errors stop it. */
function planWithoutWorkerCheck(text: string): ProgramPlan | null {
  const loaded = loadSources([{ path: "r.vigil", text }], () => undefined);
  const rep = new Reporter();
  const checked = checkProgram(loaded.programs, rep, loaded.incomplete);
  return hasErrors([...loaded.diagnostics, ...rep.diagnostics]) ? null : buildPlan(checked);
}

test("check succeeds if and only if the Kafka worker accepts the plan", { timeout: 120_000 }, () => {
  const seen = { accepted: 0, refused: 0, sharedTopics: 0, otherErrors: 0 };
  fc.assert(
    fc.property(ruleSet, (rules) => {
      const text = PRELUDE + rules;
      const compiled = compileProgram([{ path: "r.vigil", text }]);
      const plan = planWithoutWorkerCheck(text);
      if (plan === null) {
        // Refused for another reason (a type error, a join not co-partitioned): no plan to offer.
        assert.equal(compiled.plan, null, rules);
        seen.otherErrors++;
        return;
      }
      const problems = workerPlanProblems(plan);
      const checkOk = compiled.plan !== null;
      assert.equal(checkOk, problems.length === 0, `${rules}\n${JSON.stringify(problems)}`);
      if (!checkOk) {
        seen.refused++;
        const codes = compiled.diagnostics.filter((d) => d.severity === "error").map((d) => d.code);
        assert.deepEqual([...new Set(codes)], ["V2502"], rules);
        assert.equal(codes.length, problems.length, rules);
        return;
      }
      seen.accepted++;
      const groups = taskGroups(plan);
      const lanes = consumerLanes(groups);
      if (lanes.length > 1) seen.sharedTopics++;
      for (const lane of lanes) {
        const topics = lane.groups.flatMap((g) => groups[g]!.topics);
        assert.equal(new Set(topics).size, topics.length, `lane ${lane.index} reads a topic twice\n${rules}`);
      }
    }),
    { numRuns: 800, seed: 15 },
  );
  // The generator reaches every outcome, the formerly refused shapes included.
  assert.ok(seen.accepted > 100 && seen.sharedTopics > 30 && seen.refused > 20, JSON.stringify(seen));
});

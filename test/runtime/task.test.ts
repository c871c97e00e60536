import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { T } from "../../src/core/schema.ts";
import type { Row } from "../../src/core/value.ts";
import type { ProgramPlan, TableDecl } from "../../src/plan/plan.ts";
import { createTask, type TaskOptions } from "../../src/runtime/task.ts";
import type { InputRecord } from "../../src/runtime/task-api.ts";
import { createMemoryTaskStores } from "../../src/state/memory-stores.ts";
import { field, filterRule, paymentRows, planOf, windowRule } from "./support/plans.ts";

const rec = (partition: number, offset: number, row: Row | string, topic = "payments"): InputRecord => ({
  topic,
  partition,
  offset,
  key: typeof row === "string" ? null : String(row["card"] ?? row["card_id"] ?? ""),
  value: typeof row === "string" ? row : JSON.stringify(row),
  timestamp: 0,
});

const pay = (id: number, ts: number, amount = 500, card = "c1"): Row => ({ id, card, amount, ts });

function task(plan: ProgramPlan, partitions: TaskOptions["partitions"], extra: Partial<TaskOptions> = {}) {
  return createTask({ id: "t", plan, stores: createMemoryTaskStores(), partitions, ...extra });
}

const ids = (outs: readonly { value: Row }[]) => outs.map((o) => o.value["id"]);

test("records are released only when every input partition has data, in event-time order", async () => {
  const t = await task(planOf([filterRule()]), [
    { topic: "payments", partition: 0 },
    { topic: "payments", partition: 1 },
  ]);
  t.push([rec(0, 0, pay(1, 10)), rec(0, 1, pay(3, 30))]);
  assert.deepEqual(t.drain().outputs, [], "partition 1 has nothing yet: wait");
  t.push([rec(1, 0, pay(2, 20)), rec(1, 1, pay(4, 40))]);
  assert.deepEqual(ids(t.drain().outputs), [1, 2, 3]);
  assert.deepEqual(t.positions(), { "payments/0": 2, "payments/1": 1 });
  t.endOfInput();
  assert.deepEqual(ids(t.drain().outputs), [4]);
});

test("bad input becomes a dead letter with the field named, and the task carries on", async () => {
  const t = await task(planOf([filterRule()]), [{ topic: "payments", partition: 0 }]);
  t.push([rec(0, 0, "{oops"), rec(0, 1, { id: 1, card: "c", amount: "x", ts: 5 }), rec(0, 2, pay(2, 6))]);
  t.endOfInput();
  const out = t.drain();
  assert.deepEqual(ids(out.outputs), [2]);
  assert.deepEqual(
    out.deadLetters.map((d) => [d.reason, d.origin.offset, d.rule]),
    [
      ["decode-error", 0, null],
      ["schema-mismatch", 1, null],
    ],
  );
  assert.match(out.deadLetters[1]!.message, /field amount: expected float/);
  assert.equal(out.deadLetters[0]!.raw, "{oops");
  assert.deepEqual(t.stats().deadLettersByReason, { "decode-error": 1, "schema-mismatch": 1 });
  assert.deepEqual(t.stats().inputsByRule, { big: 1 });
  assert.equal(t.stats().recordsIn, 3);
});

test("an operator that throws costs one dead letter (operator-error); the next record goes through", async () => {
  const t = await task(planOf([filterRule()]), [{ topic: "payments", partition: 0 }], {
    operatorFactory: (_op, ctx) => ({
      process(r) {
        if ((r.value["p"] as Row)["id"] === 1) throw new Error("boom");
        ctx.forward(r);
      },
      onTimer() {},
    }),
  });
  t.push([rec(0, 0, pay(1, 5)), rec(0, 1, pay(2, 6))]);
  t.endOfInput();
  const out = t.drain();
  assert.deepEqual(ids(out.outputs), [2]);
  assert.equal(out.deadLetters.length, 1);
  assert.equal(out.deadLetters[0]!.reason, "operator-error");
  assert.equal(out.deadLetters[0]!.rule, "big");
  assert.match(out.deadLetters[0]!.message, /big\.where: boom/);
});

test("windows close when the watermark passes them; late records are dead letters; endOfInput flushes", async () => {
  const plan = planOf([windowRule("w", { kind: "tumbling", sizeMs: 10_000 })]);
  const t = await task(plan, [{ topic: "payments", partition: 0 }]);
  // lateness 1 s: the watermark is max ts - 1000
  t.push([rec(0, 0, pay(0, 1_000)), rec(0, 1, pay(1, 5_000)), rec(0, 2, pay(2, 10_500))]);
  assert.deepEqual(t.drain().outputs, [], "watermark 9500: the window [0,10000) is still open");
  t.push([rec(0, 3, pay(3, 11_000))]);
  const first = t.drain().outputs;
  assert.deepEqual(
    first.map((o) => [o.value["start"], o.value["n"]]),
    [[0, 2]],
  );
  t.push([rec(0, 4, pay(4, 2_000))]); // window [0,10000) already closed
  const late = t.drain().deadLetters;
  assert.deepEqual(
    late.map((d) => [d.reason, d.rule]),
    [["late-record", "w"]],
  );
  t.endOfInput();
  assert.deepEqual(
    t.drain().outputs.map((o) => [o.value["start"], o.value["n"]]),
    [[10_000, 2]],
  );
  assert.equal(t.watermark(), Number.POSITIVE_INFINITY);
  assert.equal(t.stats().pendingTimers, 0);
});

test("rollback drops state, timers, buffered input and output; replaying from positions gives the same output", async () => {
  const plan = planOf([filterRule(), windowRule("w", { kind: "tumbling", sizeMs: 5_000 })]);
  const rows = paymentRows(7, 60);
  const input = rows.map((r, i) => rec(0, i, r));
  const clean = await task(plan, [{ topic: "payments", partition: 0 }]);
  clean.push(input);
  clean.endOfInput();
  const expected = clean.drain().outputs;

  const t = await task(plan, [{ topic: "payments", partition: 0 }]);
  t.push(input.slice(0, 20));
  const kept = t.drain().outputs;
  await t.commit();
  t.push(input.slice(20, 45));
  t.drain();
  t.rollback();
  assert.deepEqual(t.positions(), { "payments/0": 20 });
  t.push(input.slice(20));
  t.endOfInput();
  assert.deepEqual([...kept, ...t.drain().outputs], expected);
});

test("a restarted task resumes from its checkpoint: positions, watermark and timers", async () => {
  const plan = planOf([windowRule("w", { kind: "tumbling", sizeMs: 5_000 })]);
  const input = paymentRows(3, 40).map((r, i) => rec(0, i, r));
  const once = await task(plan, [{ topic: "payments", partition: 0 }]);
  once.push(input);
  once.endOfInput();
  const expected = once.drain().outputs;

  const stores = createMemoryTaskStores();
  const opts = { id: "t", plan, stores, partitions: [{ topic: "payments", partition: 0 }] };
  const a = await createTask(opts);
  a.push(input.slice(0, 17));
  const first = a.drain().outputs;
  await a.commit();
  const wm = a.watermark();
  await a.close();
  const b = await createTask(opts);
  assert.deepEqual(b.positions(), { "payments/0": 17 });
  assert.equal(b.watermark(), wm);
  b.push(input); // re-delivered records below the position are skipped
  b.endOfInput();
  assert.deepEqual([...first, ...b.drain().outputs], expected);
});

test("any split of the input into pushes gives the same output (deterministic merge)", async () => {
  const plan = planOf([
    filterRule(),
    windowRule("w", { kind: "tumbling", sizeMs: 3_000 }, { emit: "changes" }),
  ]);
  const parts = [0, 1, 2].map((p) => ({ topic: "payments", partition: p }));
  const rows = paymentRows(11, 45);
  const byPart = [0, 1, 2].map((p) => rows.filter((_, i) => i % 3 === p).map((r, o) => rec(p, o, r)));
  const run = async (chunks: InputRecord[][]) => {
    const t = await task(plan, parts);
    const outs = [];
    for (const c of chunks) {
      t.push(c);
      outs.push(...t.drain().outputs);
    }
    t.endOfInput();
    return [...outs, ...t.drain().outputs];
  };
  const expected = await run([byPart.flat()]);
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.nat(2), { minLength: 45, maxLength: 45 }),
      fc.integer({ min: 1, max: 10 }),
      async (order, size) => {
        // Interleave the partitions in a random order, in pushes of `size` records.
        const cursors = [0, 0, 0];
        const seq: InputRecord[] = [];
        for (const p of order) {
          const q = [p, (p + 1) % 3, (p + 2) % 3].find((x) => cursors[x]! < byPart[x]!.length)!;
          seq.push(byPart[q]![cursors[q]!++]!);
        }
        const chunks: InputRecord[][] = [];
        for (let i = 0; i < seq.length; i += size) chunks.push(seq.slice(i, i + size));
        assert.deepEqual(await run(chunks), expected);
      },
    ),
    { numRuns: 40 },
  );
});

test("a table topic feeds the table-join before stream records of the same time", async () => {
  const cards: TableDecl = {
    name: "cards",
    topic: "cards",
    keyField: "card_id",
    format: "json",
    schema: {
      fields: [
        { name: "card_id", type: T.string, optional: false },
        { name: "home", type: T.string, optional: false },
      ],
    },
    timeField: null,
  };
  const rule = filterRule("enriched", 0);
  const plan: ProgramPlan = {
    ...planOf([]),
    tables: [cards],
    rules: [
      {
        ...rule,
        ops: [
          ...rule.ops,
          {
            kind: "table-join",
            name: "join-cards",
            table: "cards",
            alias: "c",
            joinType: "left",
            store: { name: "enriched.cards", kind: "key-value" },
          },
        ],
        sink: {
          ...rule.sink,
          projection: [...rule.sink.projection, { name: "home", expr: field("c", "home") }],
        },
      },
    ],
  };
  const t = await task(plan, [
    { topic: "cards", partition: 0 },
    { topic: "payments", partition: 0 },
  ]);
  t.push([rec(0, 0, pay(1, 0, 5, "k1")), rec(0, 1, pay(2, 10, 5, "k2"))]);
  t.push([rec(0, 0, { card_id: "k1", home: "FR" }, "cards")]);
  t.endOfInput();
  assert.deepEqual(
    t.drain().outputs.map((o) => [o.value["id"], o.value["home"]]),
    [
      [1, "FR"],
      [2, null],
    ],
  );
});

test("with a stream-time idle timeout, a quiet partition stops holding windows back (deterministically)", async () => {
  const plan = planOf([filterRule("big", 0), windowRule("w", { kind: "tumbling", sizeMs: 10_000 })]);
  const parts = [
    { topic: "payments", partition: 0 },
    { topic: "payments", partition: 1 },
  ];
  // Partition 0 is busy; partition 1 speaks at 0 and then only at 100 s.
  const busy = Array.from({ length: 10 }, (_, i) => rec(0, i, pay(i, 5_000 + i * 5_000, 500, "a")));
  const quiet = [rec(1, 0, pay(100, 0, 500, "b")), rec(1, 1, pay(101, 100_000, 500, "b"))];
  const order = async (idleTimeout?: number) => {
    const t = await task(plan, parts, idleTimeout === undefined ? {} : { idleTimeout });
    t.push(busy);
    t.push(quiet);
    t.endOfInput();
    return t.drain().outputs.map((o) => (o.rule === "w" ? `w${o.value["start"]}` : `p${o.value["id"]}`));
  };
  const held = await order();
  const idle = await order(15_000);
  // Without the timeout, no window closes before partition 1's record at 100 s is released.
  assert.ok(held.indexOf("w0") > held.indexOf("p9"), held.join(" "));
  // With it, partition 1 is idle once stream time is 15 s past its last record: w0 closes early.
  assert.ok(idle.indexOf("w0") < idle.indexOf("p5"), idle.join(" "));
  assert.deepEqual([...idle].sort(), [...held].sort(), "same records and windows, different timing");
  assert.deepEqual(await order(15_000), idle, "and the same timing on every run");
});

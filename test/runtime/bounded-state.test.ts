// Brief section 4.3 for windows: over a long random stream, the live state of a window rule (its
// store and the task's timers) stays bounded by the keys times the windows open within size + grace.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { WindowSpec } from "../../src/plan/plan.ts";
import { createTask, TIMER_STORE } from "../../src/runtime/task.ts";
import type { InputRecord } from "../../src/runtime/task-api.ts";
import { createMemoryTaskStores } from "../../src/state/memory-stores.ts";
import { paymentRows, planOf, windowRule } from "./support/plans.ts";

const cases: [string, WindowSpec][] = [
  ["tumbling", { kind: "tumbling", sizeMs: 10_000 }],
  ["hopping", { kind: "hopping", sizeMs: 10_000, advanceMs: 2_000 }],
  ["sliding", { kind: "sliding", sizeMs: 10_000 }],
  ["session", { kind: "session", gapMs: 3_000 }],
];

for (const [kind, window] of cases) {
  test(`a ${kind} window rule keeps bounded state over 20,000 records`, async () => {
    const cards = 20;
    const rows = paymentRows(99, 20_000, cards); // one record a second, about 1 s out of order
    const stores = createMemoryTaskStores();
    const plan = planOf([windowRule("w", window, { emit: kind === "session" ? "final" : "changes" })]);
    const task = await createTask({
      id: "t",
      plan,
      stores,
      partitions: [{ topic: "payments", partition: 0 }],
    });
    const live = () => stores.store("w-win.store").size() + stores.store(TIMER_STORE).size();
    let peak = 0;
    let early = 0; // peak over the first quarter: later peaks must not grow with the stream's length
    let outputs = 0;
    for (let i = 0; i < rows.length; i += 500) {
      const batch: InputRecord[] = rows.slice(i, i + 500).map((r, j) => ({
        topic: "payments",
        partition: 0,
        offset: i + j,
        key: String(r["card"]),
        value: JSON.stringify(r),
        timestamp: 0,
      }));
      task.push(batch);
      outputs += task.drain().outputs.length;
      if (i % 5_000 === 0) await task.commit();
      peak = Math.max(peak, live());
      if (i < rows.length / 4) early = peak;
    }
    // Records in the last size + grace + lateness (about 12 s of data: 12 records) bound the open
    // windows; per record an operator may keep a few entries (window, index, timer) and per key a few more.
    const bound = 40 * 12 + 10 * cards;
    assert.ok(peak <= bound, `peak live entries ${peak} > ${bound}`);
    assert.ok(peak <= 2 * early + 10, `state grew with the stream: ${early} early, ${peak} later`);
    assert.ok(outputs > 1_000, `outputs ${outputs}`);
    task.endOfInput();
    task.drain();
    assert.equal(stores.store(TIMER_STORE).size(), 0, "every timer fired at the end");
    assert.ok(stores.store("w-win.store").size() <= 2 * cards, `left ${stores.store("w-win.store").size()}`);
  });
}

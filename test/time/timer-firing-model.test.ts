// The timer table against a plain model of firing order: each step fires the least pending
// (time, operator, key) with time <= watermark, so timers registered or cancelled while firing
// (behind, at or ahead of the one being fired) are seen exactly as the model sees them, across
// commits and rollbacks of the store underneath.
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { createMemoryTaskStores } from "../../src/state/memory-stores.ts";
import { createTaskTimers } from "../../src/time/timer-service.ts";

const OPERATORS = ["r.a", "r.b", "s.a"] as const;
const KEYS = ["", "k", "k1", "z\u0001"] as const;

interface Timer {
  readonly time: number;
  readonly operator: string;
  readonly key: string;
}

/** What an operator does while one of its timers fires: time is relative to the fired timer. */
type Reaction =
  | { readonly kind: "register"; readonly dt: number; readonly operator: number; readonly key: number }
  | { readonly kind: "cancel"; readonly dt: number; readonly operator: number; readonly key: number };

type Command =
  | { readonly kind: "register"; readonly timer: Timer }
  | { readonly kind: "cancel"; readonly timer: Timer }
  | {
      readonly kind: "fire";
      readonly watermark: number;
      readonly reactions: readonly (readonly Reaction[])[];
    }
  | { readonly kind: "commit" }
  | { readonly kind: "rollback" };

const timerArb = fc.record({
  time: fc.integer({ min: 0, max: 20 }),
  operator: fc.constantFrom(...OPERATORS),
  key: fc.constantFrom(...KEYS),
});

const reactionArb: fc.Arbitrary<Reaction> = fc.record({
  kind: fc.constantFrom("register" as const, "cancel" as const),
  dt: fc.integer({ min: -3, max: 3 }),
  operator: fc.nat({ max: OPERATORS.length - 1 }),
  key: fc.nat({ max: KEYS.length - 1 }),
});

const commandArb: fc.Arbitrary<Command> = fc.oneof(
  { weight: 4, arbitrary: timerArb.map((timer) => ({ kind: "register" as const, timer })) },
  { weight: 1, arbitrary: timerArb.map((timer) => ({ kind: "cancel" as const, timer })) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant("fire" as const),
      watermark: fc.oneof(fc.integer({ min: -1, max: 25 }), fc.constant(Number.POSITIVE_INFINITY)),
      reactions: fc.array(fc.array(reactionArb, { maxLength: 3 }), { maxLength: 8 }),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: "commit" as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: "rollback" as const }) },
);

const id = (t: Timer): string => `${t.time}|${t.operator}|${t.key}`;

function compareTimers(a: Timer, b: Timer): number {
  if (a.time !== b.time) return a.time - b.time;
  if (a.operator !== b.operator) return a.operator < b.operator ? -1 : 1;
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

/** The model: a set of pending timers; firing takes the least due one, one at a time. */
class TimerModel {
  pending = new Map<string, Timer>();
  committed = new Map<string, Timer>();

  register(t: Timer): void {
    this.pending.set(id(t), t);
  }

  cancel(t: Timer): void {
    this.pending.delete(id(t));
  }

  fire(watermark: number, react: (t: Timer) => void): Timer[] {
    const fired: Timer[] = [];
    for (;;) {
      let least: Timer | undefined;
      for (const t of this.pending.values()) {
        if (t.time <= watermark && (least === undefined || compareTimers(t, least) < 0)) least = t;
      }
      if (least === undefined) return fired;
      this.pending.delete(id(least));
      fired.push(least);
      react(least);
    }
  }
}

test("timers fire in the order of the model, with registrations and cancels while firing", async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(commandArb, { maxLength: 40 }), async (commands) => {
      const stores = createMemoryTaskStores();
      const timers = createTaskTimers(stores.store("$timers"));
      const model = new TimerModel();
      for (const command of commands) {
        switch (command.kind) {
          case "register":
            timers.forOperator(command.timer.operator).register(command.timer.time, command.timer.key);
            model.register(command.timer);
            break;
          case "cancel":
            timers.forOperator(command.timer.operator).cancel(command.timer.time, command.timer.key);
            model.cancel(command.timer);
            break;
          case "fire": {
            // The same reactions, consumed in firing order, drive both sides.
            const reactionsFor = (perform: (r: Reaction, at: number) => void) => {
              let next = 0;
              return (t: Timer) => {
                for (const r of command.reactions[next++] ?? []) perform(r, t.time);
              };
            };
            const asTimer = (r: Reaction, at: number): Timer => ({
              time: at + r.dt,
              operator: OPERATORS[r.operator] as string,
              key: KEYS[r.key] as string,
            });
            const expected = model.fire(
              command.watermark,
              reactionsFor((r, at) =>
                r.kind === "register" ? model.register(asTimer(r, at)) : model.cancel(asTimer(r, at)),
              ),
            );
            const actual: Timer[] = [];
            const react = reactionsFor((r, at) => {
              const t = asTimer(r, at);
              const service = timers.forOperator(t.operator);
              if (r.kind === "register") service.register(t.time, t.key);
              else service.cancel(t.time, t.key);
            });
            const count = timers.fireDue(command.watermark, (t) => {
              actual.push({ time: t.time, operator: t.operator, key: t.key });
              react(t);
            });
            assert.deepEqual(actual.map(id), expected.map(id));
            assert.equal(count, expected.length);
            break;
          }
          case "commit": {
            timers.flush();
            await stores.commit({ inputOffsets: {}, changelogOffsets: {}, meta: {} });
            model.committed = new Map(model.pending);
            // The store holds exactly the pending timers, and a table opened over it sees them.
            assert.equal(stores.store("$timers").size(), model.pending.size);
            assert.equal(createTaskTimers(stores.store("$timers")).size(), model.pending.size);
            break;
          }
          case "rollback":
            stores.rollback();
            timers.invalidate();
            model.pending = new Map(model.committed);
            break;
          default: {
            const never: never = command;
            throw new Error(`unknown command ${JSON.stringify(never)}`);
          }
        }
        assert.equal(timers.size(), model.pending.size);
      }
    }),
    { numRuns: 300 },
  );
});

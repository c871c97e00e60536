// Test support: the compiled fraud library and a small seeded data set for it (payments, activity,
// cards, customers), with distinct event times out of order by less than the streams' lateness.
import { readdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Row } from "../../../src/core/value.ts";
import { compileProgram } from "../../../src/plan/compile.ts";
import type { ProgramPlan } from "../../../src/plan/plan.ts";
import { rng } from "./plans.ts";

const FRAUD = resolve(dirname(fileURLToPath(import.meta.url)), "../../../dsl/lib/fraud");

/** The plan of every rule in dsl/lib/fraud (throws with the diagnostics when it does not compile). */
export function fraudPlan(): ProgramPlan {
  const files = readdirSync(FRAUD)
    .filter((f) => f.endsWith(".vigil") && f !== "streams.vigil")
    .sort()
    .map((f) => join(FRAUD, f));
  const r = compileProgram(files);
  if (!r.plan) throw new Error(`fraud rules do not compile: ${JSON.stringify(r.diagnostics.slice(0, 3))}`);
  return r.plan;
}

const DAY = 86_400_000;

/** `count` events (payments and activity) every ~20 s, jittered by < 10 s, over small key spaces. */
export function fraudData(seed: number, count: number): Record<string, Row[]> {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const cards = Array.from({ length: 8 }, (_, i) => `card-${i}`);
  const customerOf = (card: string) => `cust-${Number(card.slice(5)) % 5}`;
  const countries = ["FR", "DE", "US"];
  const accounts = ["acc-0", "acc-1", "acc-2", "acc-3"];
  const start = 1_700_000_000_000;
  const payments: Row[] = [];
  const activity: Row[] = [];
  for (let i = 0; i < count; i++) {
    const ts = start + i * 20_000 + Math.floor(r() * 18_000) - 9_000;
    if (r() < 0.6) {
      const card = pick(cards);
      payments.push({
        payment_id: `p${i}`,
        card_id: card,
        customer_id: customerOf(card),
        amount: r() < 0.1 ? 2_000 + Math.floor(r() * 3_000) : 1 + Math.floor(r() * 150),
        currency: "EUR",
        country: pick(countries),
        merchant: `m${Math.floor(r() * 4)}`,
        merchant_category: "retail",
        lat: 40 + r() * 20,
        lon: -5 + r() * 20,
        device_id: r() < 0.5 ? `dev-${Math.floor(r() * 3)}` : null,
        ts,
      });
    } else {
      const kind = pick(["login", "login_failed", "password_reset", "transfer", "cashout"]);
      const money = kind === "transfer" || kind === "cashout";
      activity.push({
        event_id: `a${i}`,
        customer_id: `cust-${Math.floor(r() * 5)}`,
        kind,
        device_id: `dev-${Math.floor(r() * 4)}`,
        country: pick(countries),
        new_device: r() < 0.3,
        amount: money ? 500 + Math.floor(r() * 100) : null,
        account: money ? pick(accounts) : null,
        beneficiary_account: kind === "transfer" ? pick(accounts) : null,
        ts,
      });
    }
  }
  return {
    payments,
    activity,
    cards: cards.map((c, i) => ({
      card_id: c,
      customer_id: customerOf(c),
      home_country: countries[i % 3]!,
      opened: start - 400 * DAY,
      avg_amount_30d: 50 + i * 10,
      last_used: i % 2 === 0 ? start - 200 * DAY : null,
    })),
    customers: Array.from({ length: 5 }, (_, i) => ({
      customer_id: `cust-${i}`,
      home_country: countries[i % 3]!,
      segment: "retail",
    })),
  };
}

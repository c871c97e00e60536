// Fraud example, generator: injects every scenario at a configurable rate, at times drawn from the
// daily rhythm's busy hours, each scenario from its own random stream (so one change stays local).
import { accountTakeover, failedLoginsNewCountry, muleChain, structuring } from "./account-scenarios.ts";
import {
  amountSpike,
  cardTesting,
  deviceManyCards,
  dormantCardBurst,
  impossibleTravel,
  velocity1h,
  velocity24h,
} from "./card-scenarios.ts";
import type { Rng } from "./prng.ts";
import { hourWeight } from "./rhythm.ts";
import { H, type RuleName, type Scenario, type ScenarioCtx } from "./scenario-kit.ts";
import { DAY_MS } from "./world.ts";

/** Each scenario and the time it may take (so an incident ends inside the simulated period). */
const SCENARIOS: Readonly<Record<RuleName, { run: Scenario; spanMs: number }>> = {
  velocity_1h: { run: velocity1h, spanMs: H },
  velocity_24h: { run: velocity24h, spanMs: 23 * H },
  amount_spike: { run: amountSpike, spanMs: H },
  card_testing: { run: cardTesting, spanMs: H },
  impossible_travel: { run: impossibleTravel, spanMs: 2 * H },
  account_takeover: { run: accountTakeover, spanMs: H },
  device_many_cards: { run: deviceManyCards, spanMs: H },
  mule_chain: { run: muleChain, spanMs: H },
  failed_logins_new_country: { run: failedLoginsNewCountry, spanMs: H },
  dormant_card_burst: { run: dormantCardBurst, spanMs: 2 * H },
  structuring: { run: structuring, spanMs: 19 * H },
};

/** Incidents of each scenario: `rate` per 1,000 customer-days, at least one. */
export function incidentsPerScenario(customers: number, days: number, rate: number): number {
  return Math.max(1, Math.round(((customers * days) / 1000) * rate));
}

/** Runs every scenario `count` times (a share of them evasive); returns how many each injected. */
export function injectAll(
  ctx: ScenarioCtx,
  rng: Rng,
  count: number,
  evasiveShare: number,
): Record<RuleName, number> {
  const injected = {} as Record<RuleName, number>;
  for (const [name, { run, spanMs }] of Object.entries(SCENARIOS) as [
    RuleName,
    (typeof SCENARIOS)[RuleName],
  ][]) {
    const own: ScenarioCtx = { ...ctx, rng: rng.fork(name) };
    let n = 0;
    for (let i = 0; i < count; i++) {
      own.subtle = own.rng.chance(evasiveShare);
      if (run(own, incidentTime(own, spanMs))) n++;
    }
    ctx.seq = own.seq;
    injected[name] = n;
  }
  return injected;
}

/** A start time weighted towards busy hours, leaving room for the incident before the period ends. */
function incidentTime(ctx: ScenarioCtx, spanMs: number): number {
  const { start, days } = ctx.world;
  const latest = Math.max(start + H, start + days * DAY_MS - spanMs - H);
  for (let tries = 0; tries < 20; tries++) {
    const t = Math.floor(ctx.rng.uniform(start + H, latest));
    const localHour = (t % DAY_MS) / H + 1;
    if (ctx.rng.uniform(0, 2.1) < hourWeight(localHour)) return t;
  }
  return Math.floor(ctx.rng.uniform(start + H, latest));
}

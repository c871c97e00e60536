// Fraud example, generator: the card-payment fraud scenarios, each shaped to cross the threshold of
// the dsl/lib/fraud rule of the same name (see THRESHOLDS) while staying clear of the others.
import { type Payment, paymentAt } from "./events.ts";
import { COUNTRIES, distanceKm, FAR_COUNTRIES, round } from "./geo.ts";
import {
  activeCard,
  block,
  fraudDevice,
  H,
  label,
  pickVictim,
  type Scenario,
  type ScenarioCtx,
  spread,
  THRESHOLDS,
} from "./scenario-kit.ts";
import type { Card, Customer, Merchant } from "./world.ts";
import { MINUTE_MS } from "./world.ts";

const ids = (ps: readonly Payment[]): { ts: number; id: string }[] =>
  ps.map((p) => ({ ts: p.ts, id: p.payment_id }));

/** A fraudulent payment on the victim's card: online from `device` (located at the victim's home) or in person there. */
function fraudPayment(
  ctx: ScenarioCtx,
  c: Customer,
  card: Card,
  t: number,
  amount: number,
  device: string | null,
): Payment {
  const { world, rng } = ctx;
  const merchant: Merchant =
    device !== null ? rng.pick(world.onlineMerchants) : rng.pick(world.merchantsByCity.get(c.city.name)!);
  const where =
    device !== null
      ? { lat: c.home.lat, lon: c.home.lon, device }
      : { lat: merchant.lat, lon: merchant.lon, device: null };
  return ctx.log.pay(paymentAt(c, card, merchant, round(amount, 2), t, where));
}

/** An everyday-looking amount for this card: around the customer's median, never a spike. */
function ordinaryAmount(ctx: ScenarioCtx, c: Customer, card: Card, cap = Number.POSITIVE_INFINITY): number {
  const x = ctx.rng.logNormal(c.medianAmount, 0.4);
  return Math.max(2.5, Math.min(x, 3 * card.avgAmount30d, cap));
}

/** A stolen card drained fast: 13-18 payments within 25-50 minutes (the rule fires above 10 an hour). */
export const velocity1h: Scenario = (ctx, at) => {
  const c = pickVictim(ctx);
  if (c === null) return false;
  const card = activeCard(c);
  const device = fraudDevice(ctx);
  const max = THRESHOLDS.velocity1hMaxCount;
  const n = ctx.subtle ? ctx.rng.int(max - 3, max) : ctx.rng.int(max + 3, max + 8);
  const times = spread(ctx, at, ctx.rng.int(25, 50) * MINUTE_MS, n, 30_000);
  const ps = times.map((t) =>
    fraudPayment(ctx, c, card, t, ordinaryAmount(ctx, c, card, 300), ctx.rng.chance(0.6) ? device : null),
  );
  block(ctx, card.id, at - H, times[n - 1]! + 24 * H);
  label(ctx, "velocity_1h", card.id, ids(ps));
  return true;
};

/** Slower draining: 44-52 payments evenly over 14-22 hours, never more than a handful in one hour. */
export const velocity24h: Scenario = (ctx, at) => {
  const c = pickVictim(ctx);
  if (c === null) return false;
  const card = activeCard(c);
  const device = fraudDevice(ctx);
  const max = THRESHOLDS.velocity24hMaxCount;
  const n = ctx.subtle ? ctx.rng.int(max - 10, max) : ctx.rng.int(max + 4, max + 12);
  const step = (ctx.rng.int(14, 22) * H) / n;
  const times = Array.from({ length: n }, (_, i) => Math.floor(at + i * step + ctx.rng.uniform(0, step)));
  const ps = times.map((t) =>
    fraudPayment(ctx, c, card, t, ordinaryAmount(ctx, c, card, 300), ctx.rng.chance(0.7) ? device : null),
  );
  block(ctx, card.id, at - H, times[n - 1]! + 24 * H);
  label(ctx, "velocity_24h", card.id, ids(ps));
  return true;
};

/** One payment 7-15 times the card's 30-day average (and at least 250), for electronics or travel. */
export const amountSpike: Scenario = (ctx, at) => {
  const c = pickVictim(ctx);
  if (c === null) return false;
  const card = activeCard(c);
  const factor = ctx.subtle ? ctx.rng.uniform(3, THRESHOLDS.spikeFactor - 0.3) : ctx.rng.uniform(7, 15);
  const amount = Math.min(4800, Math.max(ctx.subtle ? 0 : 250, card.avgAmount30d * factor));
  const p = fraudPayment(ctx, c, card, at, amount, ctx.rng.chance(0.5) ? fraudDevice(ctx) : null);
  block(ctx, card.id, at - H, at + 24 * H);
  label(ctx, "amount_spike", card.id, ids([p]));
  return true;
};

/** Card testing: 3-5 charges under 2.00 at different shops, then a big one (550-1500), within 10 minutes. */
export const cardTesting: Scenario = (ctx, at) => {
  const c = pickVictim(ctx);
  if (c === null) return false;
  const card = activeCard(c);
  const device = fraudDevice(ctx);
  const min = THRESHOLDS.cardTestingMinSmall;
  const k = ctx.subtle ? min - 1 : ctx.rng.int(min, min + 2);
  const times = spread(ctx, at, ctx.rng.int(2, 5) * MINUTE_MS, k, 15_000);
  const smalls = times.map((t) =>
    fraudPayment(ctx, c, card, t, ctx.rng.uniform(0.5, THRESHOLDS.cardTestingSmall - 0.01), device),
  );
  const bigAt = times[k - 1]! + ctx.rng.int(30, 240) * 1000;
  const big = fraudPayment(
    ctx,
    c,
    card,
    bigAt,
    ctx.rng.uniform(THRESHOLDS.cardTestingBig + 50, 1500),
    device,
  );
  block(ctx, card.id, at - H, bigAt + 24 * H);
  label(ctx, "card_testing", card.id, ids([...smalls, big]));
  return true;
};

/** A payment at home, then 10-90 minutes later one in person on another continent (a cloned card). */
export const impossibleTravel: Scenario = (ctx, at) => {
  const c = pickVictim(ctx);
  if (c === null) return false;
  const card = activeCard(c);
  const home = fraudPayment(ctx, c, card, at, ordinaryAmount(ctx, c, card), null);
  const far = ctx.subtle
    ? COUNTRIES.filter((x) => x.code !== c.country.code && !FAR_COUNTRIES.includes(x))
    : FAR_COUNTRIES;
  const country = ctx.rng.pick(far);
  const city = ctx.rng.pick(country.cities);
  const km = distanceKm(home.lat, home.lon, city.lat, city.lon);
  const awayAt = at + travelGap(ctx, km);
  const merchant = ctx.rng.pick(ctx.world.merchantsByCity.get(city.name)!);
  const amount = round(ordinaryAmount(ctx, c, card), 2);
  const away = ctx.log.pay(
    paymentAt(c, card, merchant, amount, awayAt, { lat: merchant.lat, lon: merchant.lon, device: null }),
  );
  block(ctx, card.id, at - H, awayAt + 24 * H);
  label(ctx, "impossible_travel", card.id, ids([home, away]));
  return true;
};

/** Time between the two payments: faster than the rule allows, or (subtle) a plausible flight. */
function travelGap(ctx: ScenarioCtx, km: number): number {
  if (ctx.subtle)
    return Math.round((km / ctx.rng.uniform(450, THRESHOLDS.travelMaxKmh - 80)) * H + 2 * MINUTE_MS);
  const maxMinutes = Math.floor(((km / THRESHOLDS.travelMaxKmh) * 60) / 1.3);
  return ctx.rng.int(10, Math.max(11, Math.min(90, maxMinutes))) * MINUTE_MS;
}

/** A card unused for months suddenly makes 4-7 payments inside one clock hour. */
export const dormantCardBurst: Scenario = (ctx, at) => {
  const c = pickVictim(ctx, (x) => x.cards.some((k) => k.dormant));
  if (c === null) return false;
  const card = c.cards.find((k) => k.dormant)!;
  const device = fraudDevice(ctx);
  const hourStart = Math.floor(at / H) * H + ctx.rng.int(0, 15) * MINUTE_MS;
  const min = THRESHOLDS.dormantBurstCount;
  const n = ctx.subtle ? min - 1 : ctx.rng.int(min + 1, min + 4);
  const times = spread(ctx, hourStart, 35 * MINUTE_MS, n, 30_000);
  const ps = times.map((t) =>
    fraudPayment(ctx, c, card, t, ordinaryAmount(ctx, c, card, 250), ctx.rng.chance(0.7) ? device : null),
  );
  block(ctx, card.id, hourStart - H, times[n - 1]! + 24 * H);
  label(ctx, "dormant_card_burst", card.id, ids(ps));
  return true;
};

/** One device paying with 5-8 different stolen cards within 15-45 minutes (a card farm). */
export const deviceManyCards: Scenario = (ctx, at) => {
  const device = fraudDevice(ctx);
  const max = THRESHOLDS.deviceMaxCards;
  const m = ctx.subtle ? max : ctx.rng.int(max + 2, max + 5);
  const victims: Customer[] = [];
  for (let i = 0; i < m; i++) {
    const v = pickVictim(ctx);
    if (v !== null) victims.push(v);
  }
  if (victims.length < m) return false;
  const span = ctx.rng.int(15, 45) * MINUTE_MS;
  const ps: Payment[] = [];
  for (const v of victims) {
    const card = activeCard(v);
    for (const t of spread(ctx, at, span, ctx.rng.int(1, 2), 20_000)) {
      ps.push(fraudPayment(ctx, v, card, t, ordinaryAmount(ctx, v, card, 120), device));
      block(ctx, card.id, at - H, at + span + 24 * H);
    }
  }
  ps.sort((a, b) => a.ts - b.ts);
  label(ctx, "device_many_cards", device, ids(ps));
  return true;
};

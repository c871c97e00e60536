// Fraud example, generator: legitimate traffic. Each customer follows their profile: payments near
// home (in person) or online from their own devices, log-normal amounts, a daily rhythm, logins,
// transfers to regular payees and cash withdrawals; a few customers travel (with realistic flights).
import type { EventLog } from "./events.ts";
import { paymentAt } from "./events.ts";
import { type City, COUNTRIES, type Country, distanceKm, FAR_COUNTRIES, round } from "./geo.ts";
import type { Rng } from "./prng.ts";
import { momentOnDay } from "./rhythm.ts";
import { CATEGORIES, type Card, type Customer, DAY_MS, HOUR_MS, MINUTE_MS, type World } from "./world.ts";

/** A trip abroad: in transit (no activity) between depart/arrive and leave/back. */
export interface Trip {
  readonly depart: number;
  readonly arrive: number;
  readonly leave: number;
  readonly back: number;
  readonly city: City;
  readonly country: Country;
}

/** Where a customer is at a time: the city, its country, and a point there. */
export interface Place {
  readonly city: City;
  readonly country: Country;
  readonly lat: number;
  readonly lon: number;
}

/** Card id -> intervals in which the card is blocked (after fraud on it): no legitimate use. */
export type BlockedCards = Map<string, [number, number][]>;

const MAX_PAYMENTS_PER_DAY = 12;

/** Picks the ~3% of customers who travel during the period, with flight times from the distance. */
export function planTrips(rng: Rng, world: World, share = 0.03): Map<string, Trip> {
  const trips = new Map<string, Trip>();
  if (world.days < 3) return trips;
  for (const c of world.customers) {
    const r = rng.fork(`trip:${c.id}`);
    if (!r.chance(share)) continue;
    const abroad = r.chance(0.3) ? FAR_COUNTRIES : COUNTRIES.filter((x) => x.code !== c.country.code);
    const country = r.pick(abroad);
    const city = r.pick(country.cities);
    const flight = (distanceKm(c.home.lat, c.home.lon, city.lat, city.lon) / 750 + 2) * HOUR_MS;
    const depart = world.start + r.int(0, world.days - 3) * DAY_MS + r.int(7, 16) * HOUR_MS;
    const arrive = depart + Math.round(flight);
    const leave = arrive + r.int(1, 2) * DAY_MS + r.int(0, 8) * HOUR_MS;
    trips.set(c.id, { depart, arrive, leave, back: leave + Math.round(flight), city, country });
  }
  return trips;
}

/** Where the customer is at `t`, or null while flying. */
export function whereIs(c: Customer, trip: Trip | undefined, t: number): Place | null {
  if (trip === undefined || t < trip.depart || t >= trip.back) {
    return { city: c.city, country: c.country, lat: c.home.lat, lon: c.home.lon };
  }
  if (t < trip.arrive || t >= trip.leave) return null;
  return { city: trip.city, country: trip.country, lat: trip.city.lat, lon: trip.city.lon };
}

function isBlocked(blocked: BlockedCards, card: string, t: number): boolean {
  return (blocked.get(card) ?? []).some(([from, to]) => t >= from && t < to);
}

interface Ctx {
  readonly rng: Rng;
  readonly world: World;
  readonly c: Customer;
  readonly trip: Trip | undefined;
  readonly log: EventLog;
}

/** Legitimate behaviour that looks like fraud to a rule (an honest false positive), with its events. */
export interface Lookalike {
  readonly kind: "big_purchase" | "traveller_failed_logins";
  readonly customer_id: string;
  readonly event_ids: readonly string[];
}

/** Generates every customer's legitimate payments and account activity into `log`. */
export function generateLegit(
  rng: Rng,
  world: World,
  trips: ReadonlyMap<string, Trip>,
  blocked: BlockedCards,
  log: EventLog,
  lookalikes: { readonly rate: number; readonly out: Lookalike[] },
): void {
  const end = world.start + world.days * DAY_MS;
  for (const c of world.customers) {
    const ctx: Ctx = { rng: rng.fork(`legit:${c.id}`), world, c, trip: trips.get(c.id), log };
    const odd = rng.fork(`lookalike:${c.id}`);
    for (let day = 0; day < world.days; day++) {
      if (odd.chance(lookalikes.rate / 1000)) bigPurchase(ctx, odd, day, blocked, lookalikes.out);
    }
    if (ctx.trip !== undefined && odd.chance(lookalikes.rate / 20)) travellerLogins(ctx, odd, lookalikes.out);
    for (let day = 0; day < world.days; day++) legitDay(ctx, day, end, blocked);
  }
}

/** One customer's ordinary day: payments, logins, transfers, cash withdrawals, a rare password reset. */
function legitDay(ctx: Ctx, day: number, end: number, blocked: BlockedCards): void {
  const { c, world } = ctx;
  const times = (n: number): number[] =>
    Array.from({ length: n }, () => momentOnDay(ctx.rng, world.start, day, c.country.utcOffset))
      .filter((t) => t >= world.start && t < end)
      .sort((a, b) => a - b);
  const payments = times(Math.min(MAX_PAYMENTS_PER_DAY, ctx.rng.poisson(c.paymentsPerDay)));
  for (const t of payments) legitPayment(ctx, t, blocked);
  for (const t of times(ctx.rng.poisson(c.loginsPerDay))) legitLogin(ctx, t);
  for (const t of times(ctx.rng.poisson(0.12))) legitTransfer(ctx, t);
  for (const t of times(ctx.rng.poisson(0.06))) legitCashout(ctx, t);
  if (ctx.rng.chance(0.002)) legitPasswordReset(ctx, times(1)[0]);
}

function legitPayment(ctx: Ctx, t: number, blocked: BlockedCards): void {
  const { rng, c, world } = ctx;
  const place = whereIs(c, ctx.trip, t);
  const active = c.cards.filter((k) => !k.dormant);
  const card = rng.chance(0.75) ? active[0]! : rng.pick(active);
  if (place === null || isBlocked(blocked, card.id, t)) return;
  const online = rng.chance(0.35);
  const merchant = online
    ? rng.pick(world.onlineMerchants)
    : rng.pick(world.merchantsByCity.get(place.city.name)!);
  const amount = legitAmount(rng, c, card, merchant.category);
  const where = online
    ? { lat: place.lat, lon: place.lon, device: rng.pick(c.devices) }
    : { lat: merchant.lat, lon: merchant.lon, device: null };
  ctx.log.pay(paymentAt(c, card, merchant, amount, t, where));
}

/** Log-normal around the customer's median, scaled by category; kept under 5x the card's average. */
export function legitAmount(rng: Rng, c: Customer, card: Card, category: string): number {
  const factor = CATEGORIES.find(([name]) => name === category)?.[2] ?? 1;
  for (let i = 0; i < 8; i++) {
    const x = rng.logNormal(c.medianAmount * factor, c.sigma);
    if (x >= 2.5 && x <= 5 * card.avgAmount30d) return round(x, 2);
  }
  return round(Math.min(Math.max(c.medianAmount * factor, 2.5), 5 * card.avgAmount30d), 2);
}

function legitLogin(ctx: Ctx, t: number): void {
  const { rng, c } = ctx;
  const place = whereIs(c, ctx.trip, t);
  if (place === null) return;
  const device = rng.pick(c.devices);
  if (rng.chance(0.03)) {
    const failedAt = t - rng.int(5_000, 60_000);
    ctx.log.act({
      customer_id: c.id,
      kind: "login_failed",
      device_id: device,
      country: place.country.code,
      ts: failedAt,
    });
  }
  const fresh = rng.chance(0.01);
  ctx.log.act({
    customer_id: c.id,
    kind: "login",
    device_id: fresh ? `${device}n${rng.int(100, 999)}` : device,
    country: place.country.code,
    new_device: fresh,
    ts: t,
  });
}

function legitTransfer(ctx: Ctx, t: number): void {
  const { rng, c } = ctx;
  const place = whereIs(c, ctx.trip, t);
  if (place === null) return;
  let amount = rng.logNormal(150, 0.9);
  while (amount > 4000) amount /= 3;
  ctx.log.act({
    customer_id: c.id,
    kind: "transfer",
    device_id: rng.pick(c.devices),
    country: place.country.code,
    amount: round(Math.max(5, amount), 2),
    account: c.account,
    beneficiary_account: rng.pick(c.payees),
    ts: t,
  });
}

function legitCashout(ctx: Ctx, t: number): void {
  const { rng, c } = ctx;
  const place = whereIs(c, ctx.trip, t);
  if (place === null) return;
  const amount = rng.pick([20, 40, 50, 100, 150, 200, 300]);
  ctx.log.act({
    customer_id: c.id,
    kind: "cashout",
    country: place.country.code,
    amount,
    account: c.account,
    ts: t,
  });
}

/** A forgotten password: reset, then a login from a known device a few minutes later. */
function legitPasswordReset(ctx: Ctx, t: number | undefined): void {
  const { rng, c } = ctx;
  const place = t === undefined ? null : whereIs(c, ctx.trip, t);
  if (t === undefined || place === null) return;
  const device = rng.pick(c.devices);
  ctx.log.act({
    customer_id: c.id,
    kind: "password_reset",
    device_id: device,
    country: place.country.code,
    ts: t,
  });
  const loginAt = t + rng.int(1, 5) * MINUTE_MS;
  ctx.log.act({
    customer_id: c.id,
    kind: "login",
    device_id: device,
    country: place.country.code,
    new_device: false,
    ts: loginAt,
  });
}

/** A once-a-year purchase (a laptop, a flight) at 5.5-9 times the card's average: legitimate. */
function bigPurchase(ctx: Ctx, rng: Rng, day: number, blocked: BlockedCards, out: Lookalike[]): void {
  const { c, world } = ctx;
  const t = momentOnDay(rng, world.start, day, c.country.utcOffset);
  const card = c.cards.find((k) => !k.dormant)!;
  const place = whereIs(c, ctx.trip, t);
  if (place === null || place.city !== c.city || isBlocked(blocked, card.id, t)) return;
  const merchant = rng.pick(world.merchantsByCity.get(c.city.name)!.filter((m) => m.category !== "grocery"));
  const amount = round(Math.max(210, card.avgAmount30d * rng.uniform(5.5, 9)), 2);
  const p = ctx.log.pay(
    paymentAt(c, card, merchant, amount, t, { lat: merchant.lat, lon: merchant.lon, device: null }),
  );
  out.push({ kind: "big_purchase", customer_id: c.id, event_ids: [p.payment_id] });
}

/** A traveller who forgot their password abroad: 3-4 failed logins, then success, on their own device. */
function travellerLogins(ctx: Ctx, rng: Rng, out: Lookalike[]): void {
  const { c, trip } = ctx;
  if (trip === undefined || trip.leave - trip.arrive < 3 * HOUR_MS) return;
  const device = c.devices[0]!;
  let t = trip.arrive + rng.int(HOUR_MS, trip.leave - trip.arrive - HOUR_MS);
  const ids: string[] = [];
  for (let i = rng.int(3, 4); i > 0; i--) {
    ids.push(
      ctx.log.act({
        customer_id: c.id,
        kind: "login_failed",
        device_id: device,
        country: trip.country.code,
        ts: t,
      }).event_id,
    );
    t += rng.int(20, 60) * 1000;
  }
  const login = {
    customer_id: c.id,
    kind: "login" as const,
    device_id: device,
    country: trip.country.code,
    new_device: false,
  };
  ids.push(ctx.log.act({ ...login, ts: t + rng.int(60, 240) * 1000 }).event_id);
  out.push({ kind: "traveller_failed_logins", customer_id: c.id, event_ids: ids });
}

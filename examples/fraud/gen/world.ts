// Fraud example, generator: the population (customers with homes, cards, devices, accounts and
// payees; merchants with locations and categories), in the spirit of the Fraud Detection Handbook
// simulator (Le Borgne et al.): every customer has a spending profile the legitimate traffic follows.
import { type City, COUNTRIES, type Country, HOME_COUNTRIES, round, scatter } from "./geo.ts";
import type { Rng } from "./prng.ts";

export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;
export const MINUTE_MS = 60_000;

export type Segment = "retail" | "premium" | "business";

export interface Card {
  readonly id: string;
  readonly customerId: string;
  readonly opened: number;
  /** Last use before the simulated period; dormant cards were last used months ago. */
  readonly lastUsed: number;
  readonly dormant: boolean;
  /** The profile's expected payment amount, as the bank's 30-day average would show it. */
  readonly avgAmount30d: number;
}

export interface Customer {
  readonly id: string;
  readonly country: Country;
  readonly city: City;
  readonly home: { readonly lat: number; readonly lon: number };
  readonly segment: Segment;
  /** Median payment amount and the log-scale spread of this customer's payments. */
  readonly medianAmount: number;
  readonly sigma: number;
  readonly paymentsPerDay: number;
  readonly loginsPerDay: number;
  readonly cards: readonly Card[];
  readonly devices: readonly string[];
  readonly account: string;
  /** Accounts this customer sends money to (other customers' or external accounts). */
  readonly payees: readonly string[];
}

export interface Merchant {
  readonly id: string;
  readonly category: string;
  readonly city: City;
  readonly country: Country;
  readonly lat: number;
  readonly lon: number;
  readonly online: boolean;
}

export interface World {
  readonly start: number;
  readonly days: number;
  readonly customers: readonly Customer[];
  /** In-person merchants by city name, in every city of the map (travellers and fraudsters shop abroad). */
  readonly merchantsByCity: ReadonlyMap<string, readonly Merchant[]>;
  readonly onlineMerchants: readonly Merchant[];
}

/** Category, share of legitimate purchases, and amount factor relative to the customer's median. */
export const CATEGORIES: readonly (readonly [string, number, number])[] = [
  ["grocery", 0.3, 0.8],
  ["restaurant", 0.2, 1],
  ["fuel", 0.1, 1.3],
  ["pharmacy", 0.06, 0.6],
  ["clothing", 0.1, 1.6],
  ["entertainment", 0.08, 1.1],
  ["electronics", 0.05, 2.2],
  ["travel", 0.03, 2.5],
  ["digital_goods", 0.08, 0.5],
];

const SEGMENTS: readonly (readonly [Segment, number])[] = [
  ["retail", 0.8],
  ["premium", 0.15],
  ["business", 0.05],
];
const SEGMENT_MEDIAN: Record<Segment, number> = { retail: 28, premium: 70, business: 120 };

/** Expected amount of a legitimate payment for a profile: category mix times the log-normal mean. */
export function expectedAmount(median: number, sigma: number): number {
  const mix = CATEGORIES.reduce((s, [, share, factor]) => s + share * factor, 0);
  const total = CATEGORIES.reduce((s, [, share]) => s + share, 0);
  return (median * mix * Math.exp((sigma * sigma) / 2)) / total;
}

export const pad = (n: number, width: number): string => String(n).padStart(width, "0");

/** Builds the population for `customers` customers over `days` days from `start`. */
export function buildWorld(rng: Rng, customers: number, days: number, start: number): World {
  const merchantsByCity = new Map<string, Merchant[]>();
  const onlineMerchants: Merchant[] = [];
  let merchantSeq = 0;
  const merchantRng = rng.fork("merchants");
  for (const ctry of COUNTRIES) {
    for (const city of ctry.cities) {
      const list: Merchant[] = [];
      for (let i = 0; i < 40; i++)
        list.push(merchant(merchantRng, `M${pad(++merchantSeq, 5)}`, ctry, city, false));
      merchantsByCity.set(city.name, list);
    }
  }
  for (let i = 0; i < 60; i++) {
    const ctry = merchantRng.pick(HOME_COUNTRIES);
    onlineMerchants.push(merchant(merchantRng, `M${pad(++merchantSeq, 5)}`, ctry, ctry.cities[0]!, true));
  }
  const people = rng.fork("customers");
  const list: Customer[] = [];
  for (let i = 1; i <= customers; i++) list.push(customer(people, i, start));
  assignPayees(rng.fork("payees"), list);
  return { start, days, customers: list, merchantsByCity, onlineMerchants };
}

function merchant(rng: Rng, id: string, ctry: Country, city: City, online: boolean): Merchant {
  const category = online
    ? rng.weighted<string>([
        ["digital_goods", 3],
        ["electronics", 2],
        ["clothing", 2],
        ["travel", 1],
      ])
    : rng.weighted(
        CATEGORIES.filter(([c]) => c !== "digital_goods").map(([c, share]) => [c, share] as const),
      );
  const at = scatter(rng, city, 12);
  return { id, category, city, country: ctry, lat: at.lat, lon: at.lon, online };
}

function customer(rng: Rng, n: number, start: number): Customer {
  const id = `C${pad(n, 6)}`;
  const ctry = rng.weighted(HOME_COUNTRIES.map((x) => [x, x.residents] as const));
  const city = rng.pick(ctry.cities);
  const segment = rng.weighted(SEGMENTS);
  const medianAmount = round(rng.logNormal(SEGMENT_MEDIAN[segment], 0.35), 2);
  const sigma = round(rng.uniform(0.35, 0.65), 3);
  const cardCount = rng.weighted<number>([
    [1, 0.7],
    [2, 0.25],
    [3, 0.05],
  ]);
  const cards: Card[] = [];
  for (let k = 1; k <= cardCount; k++) {
    cards.push(
      card(
        rng,
        `K${pad(n, 6)}${k}`,
        id,
        start,
        expectedAmount(medianAmount, sigma),
        k > 1 && rng.chance(0.08),
      ),
    );
  }
  const devices = [`D${pad(n, 6)}1`];
  if (rng.chance(0.6)) devices.push(`D${pad(n, 6)}2`);
  return {
    id,
    country: ctry,
    city,
    home: scatter(rng, city, 10),
    segment,
    medianAmount,
    sigma,
    paymentsPerDay: round(rng.uniform(0.4, segment === "business" ? 5 : 3.5), 2),
    loginsPerDay: round(rng.uniform(0.3, 2.5), 2),
    cards,
    devices,
    account: `A${pad(n, 6)}`,
    payees: [],
  };
}

function card(rng: Rng, id: string, customerId: string, start: number, avg: number, dormant: boolean): Card {
  const lastUsed = dormant ? start - rng.int(120, 400) * DAY_MS : start - rng.int(1, 72) * HOUR_MS;
  const opened = lastUsed - rng.int(30, 2500) * DAY_MS;
  return { id, customerId, opened, lastUsed, dormant, avgAmount30d: round(avg * rng.uniform(0.9, 1.1), 2) };
}

/** Each customer pays 1-4 regular payees: mostly other customers, sometimes an external account. */
function assignPayees(rng: Rng, customers: Customer[]): void {
  customers.forEach((c, i) => {
    const payees: string[] = [];
    const count = rng.int(1, 4);
    for (let k = 0; k < count; k++) {
      const other = customers[rng.int(0, customers.length - 1)]!;
      payees.push(other.id === c.id || rng.chance(0.3) ? `X${pad(i + 1, 6)}${k}` : other.account);
    }
    customers[i] = { ...c, payees };
  });
}

// Fraud example, generator: the world map the simulator uses: countries with cities, currencies
// and UTC offsets; great-circle distance; points scattered around a city.
import type { Rng } from "./prng.ts";

export interface City {
  readonly name: string;
  readonly lat: number;
  readonly lon: number;
}

export interface Country {
  readonly code: string;
  readonly currency: string;
  /** Hours ahead of UTC (standard time; close enough for a daily rhythm). */
  readonly utcOffset: number;
  readonly cities: readonly City[];
  /** Share of the simulated customers living here. */
  readonly residents: number;
}

const c = (name: string, lat: number, lon: number): City => ({ name, lat, lon });

/** Home countries (with residents) first, then countries only travellers and fraudsters use. */
export const COUNTRIES: readonly Country[] = [
  {
    code: "NL",
    currency: "EUR",
    utcOffset: 1,
    residents: 0.3,
    cities: [c("Amsterdam", 52.37, 4.9), c("Rotterdam", 51.92, 4.48), c("Utrecht", 52.09, 5.12)],
  },
  {
    code: "DE",
    currency: "EUR",
    utcOffset: 1,
    residents: 0.25,
    cities: [c("Berlin", 52.52, 13.4), c("Munich", 48.14, 11.58), c("Hamburg", 53.55, 9.99)],
  },
  {
    code: "FR",
    currency: "EUR",
    utcOffset: 1,
    residents: 0.2,
    cities: [c("Paris", 48.86, 2.35), c("Lyon", 45.76, 4.84)],
  },
  {
    code: "BE",
    currency: "EUR",
    utcOffset: 1,
    residents: 0.1,
    cities: [c("Brussels", 50.85, 4.35), c("Antwerp", 51.22, 4.4)],
  },
  {
    code: "GB",
    currency: "GBP",
    utcOffset: 0,
    residents: 0.15,
    cities: [c("London", 51.51, -0.13), c("Manchester", 53.48, -2.24)],
  },
  {
    code: "ES",
    currency: "EUR",
    utcOffset: 1,
    residents: 0,
    cities: [c("Madrid", 40.42, -3.7), c("Barcelona", 41.39, 2.17)],
  },
  {
    code: "IT",
    currency: "EUR",
    utcOffset: 1,
    residents: 0,
    cities: [c("Rome", 41.9, 12.5), c("Milan", 45.46, 9.19)],
  },
  {
    code: "US",
    currency: "USD",
    utcOffset: -5,
    residents: 0,
    cities: [c("New York", 40.71, -74.01), c("Miami", 25.76, -80.19)],
  },
  { code: "BR", currency: "BRL", utcOffset: -3, residents: 0, cities: [c("Sao Paulo", -23.55, -46.63)] },
  { code: "NG", currency: "NGN", utcOffset: 1, residents: 0, cities: [c("Lagos", 6.52, 3.38)] },
  { code: "IN", currency: "INR", utcOffset: 5.5, residents: 0, cities: [c("Mumbai", 19.08, 72.88)] },
  { code: "SG", currency: "SGD", utcOffset: 8, residents: 0, cities: [c("Singapore", 1.35, 103.82)] },
  { code: "RU", currency: "RUB", utcOffset: 3, residents: 0, cities: [c("Moscow", 55.76, 37.62)] },
];

/** Countries where customers live. */
export const HOME_COUNTRIES = COUNTRIES.filter((x) => x.residents > 0);
/** Far-away countries used by fraudsters (and, rarely, by travelling customers). */
export const FAR_COUNTRIES = COUNTRIES.filter((x) => ["US", "BR", "NG", "IN", "SG", "RU"].includes(x.code));

export function country(code: string): Country {
  const found = COUNTRIES.find((x) => x.code === code);
  if (found === undefined) throw new Error(`unknown country ${code}`);
  return found;
}

const EARTH_RADIUS_KM = 6371;

/** Great-circle distance in km (haversine), as the DSL's geo distance computes it. */
export function distanceKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLon = (lon2 - lon1) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** A point within about `radiusKm` of a city (uniform over the disc), rounded to 5 decimals. */
export function scatter(rng: Rng, city: City, radiusKm: number): { lat: number; lon: number } {
  const r = radiusKm * Math.sqrt(rng.next());
  const theta = rng.uniform(0, 2 * Math.PI);
  const dLat = (r * Math.cos(theta)) / 111;
  const dLon = (r * Math.sin(theta)) / (111 * Math.cos((city.lat * Math.PI) / 180));
  return { lat: round(city.lat + dLat, 5), lon: round(city.lon + dLon, 5) };
}

export function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

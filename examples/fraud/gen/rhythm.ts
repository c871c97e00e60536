// Fraud example, generator: when people do things. A daily rhythm (quiet nights, busy lunch and
// evening) in the customer's local time, turned into UTC epoch milliseconds.
import type { Rng } from "./prng.ts";
import { DAY_MS, HOUR_MS } from "./world.ts";

/** Relative activity per local hour 0..23. */
const HOURLY: readonly number[] = [
  0.25, 0.12, 0.06, 0.05, 0.05, 0.1, 0.3, 0.8, 1.2, 1.4, 1.5, 1.7, 2.0, 1.8, 1.5, 1.4, 1.5, 1.8, 2.1, 2.0,
  1.6, 1.1, 0.7, 0.4,
];
const HOURS = HOURLY.map((w, h) => [h, w] as const);

/** The relative activity at local hour `h` (used to scale fraud timing too). */
export function hourWeight(h: number): number {
  return HOURLY[((Math.floor(h) % 24) + 24) % 24]!;
}

/** A moment on day `day` (0-based from `start`) drawn from the daily rhythm, in UTC ms. */
export function momentOnDay(rng: Rng, start: number, day: number, utcOffset: number): number {
  const localHour = rng.weighted(HOURS);
  const t = start + day * DAY_MS + (localHour - utcOffset) * HOUR_MS + Math.floor(rng.uniform(0, HOUR_MS));
  return Math.floor(t);
}

// Core function catalogue, time: calendar fields of a timestamp (epoch ms), always in UTC so a rule
// gives the same answer on every machine. date-fns does the ISO week-day arithmetic.
import { getISODay } from "date-fns";
import { T } from "../schema.ts";
import type { Value } from "../value.ts";
import { asNumber, strict } from "./define.ts";
import type { FunctionDef } from "./function-def.ts";

const DAY_MS = 86_400_000;

/** A Date whose local calendar fields are the UTC fields of `ms` (epoch days, so no DST trap). */
function utcCalendarDate(ms: number): Date {
  const d = new Date(ms);
  return new Date(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
}

function hourOfDay(t: Value): Value {
  const ms = asNumber(t);
  return Number.isFinite(ms) ? new Date(ms).getUTCHours() : null;
}

function dayOfWeek(t: Value): Value {
  const ms = asNumber(t);
  return Number.isFinite(ms) ? getISODay(utcCalendarDate(ms)) : null;
}

function dayOfMonth(t: Value): Value {
  const ms = asNumber(t);
  return Number.isFinite(ms) ? new Date(ms).getUTCDate() : null;
}

export const TIME_FUNCTIONS: readonly FunctionDef[] = [
  strict("hour_of_day", [T.timestamp], T.int, "hour_of_day(t): the hour of t in UTC, 0-23", hourOfDay),
  strict(
    "day_of_week",
    [T.timestamp],
    T.int,
    "day_of_week(t): the ISO day of t in UTC, 1 (Monday) to 7 (Sunday)",
    dayOfWeek,
  ),
  strict(
    "day_of_month",
    [T.timestamp],
    T.int,
    "day_of_month(t): the day of the month of t in UTC, 1-31",
    dayOfMonth,
  ),
  strict("minute_of_hour", [T.timestamp], T.int, "minute_of_hour(t): the minute of t in UTC, 0-59", (t) =>
    new Date(asNumber(t)).getUTCMinutes(),
  ),
  strict(
    "days_between",
    [T.timestamp, T.timestamp],
    T.float,
    "days_between(a, b): (b - a) in days, fractional",
    (a, b) => (asNumber(b) - asNumber(a)) / DAY_MS,
  ),
];

// CLI stage: option value parsers shared by the commands. A bad value is a commander usage error
// (exit 2, "option '--x <n>' argument 'y' is invalid. <why>").
import { InvalidArgumentError } from "commander";
import { parseDurationMs } from "../../plan/params.ts";

/** A parser for an integer option within [min, max]. */
export function integer(min: number, max: number): (text: string) => number {
  return (text) => {
    const n = Number(text);
    if (text.trim() === "" || !Number.isInteger(n) || n < min || n > max)
      throw new InvalidArgumentError(`expected an integer from ${min} to ${max}`);
    return n;
  };
}

/** A repeatable option: every value, in order. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** A non-empty value (`--out=` is an error, not an empty path). */
export function nonEmpty(text: string): string {
  if (text === "") throw new InvalidArgumentError("expected a value");
  return text;
}

/** A number > 0 (sizes such as megabytes, where fractions make sense). */
export function positiveNumber(text: string): number {
  const n = Number(text);
  if (text.trim() === "" || !(n > 0) || !Number.isFinite(n))
    throw new InvalidArgumentError("expected a number greater than 0");
  return n;
}

/** A positive duration as the DSL writes it (`30s`, `5m`, `1h30m`), in ms. */
export function duration(text: string): number {
  const ms = parseDurationMs(text);
  if (ms === undefined || ms <= 0)
    throw new InvalidArgumentError("expected a duration such as 30s, 5m or 1h30m");
  return ms;
}

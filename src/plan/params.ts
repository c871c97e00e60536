// Plan stage: deployment parameter overrides (`--param name=value`) checked against the plan.
// Unknown names and values that do not parse as the parameter's declared type are errors, never ignored.
import type { FieldType } from "../core/schema.ts";
import type { Value } from "../core/value.ts";
import { didYouMean } from "../dsl/diagnostics/suggest-word.ts";
import type { ProgramPlan } from "./plan.ts";

/** What an override is parsed as: a checked type, or "number" for an unused numeric param. */
type ParamKind = FieldType["kind"] | "number";

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * Parses `overrides` (name -> text from the command line or a config file) by each parameter's
 * declared type: int, float, bool, string, duration (`5m`, `30s`, `1h`, `7d`, `500ms`, `1h30m` -> ms),
 * timestamp (ISO 8601 or epoch ms -> ms). Returns the typed values to hand to the runtime, and one
 * message per bad override (unknown name with a did-you-mean, or a value of the wrong type).
 * A non-string value (from a JSON config file) must already have the type: a number for int
 * (integral), float, duration (ms) or timestamp (epoch ms), a boolean for bool.
 */
export function resolveParamOverrides(
  plan: ProgramPlan,
  overrides: Readonly<Record<string, string | Value>>,
): { values: Map<string, Value>; errors: string[] } {
  const kinds = paramKinds(plan);
  const values = new Map<string, Value>();
  const errors: string[] = [];
  for (const [name, text] of Object.entries(overrides)) {
    const kind = kinds.get(name);
    if (kind === undefined) {
      errors.push(unknownParam(name, [...kinds.keys()]));
      continue;
    }
    const v = typeof text === "string" ? parseParamValue(text, kind) : typedParamValue(text, kind);
    if (v === undefined)
      errors.push(`parameter ${name} is ${describeKind(kind)}: cannot use ${JSON.stringify(text)}`);
    else values.set(name, v);
  }
  return { values, errors };
}

function unknownParam(name: string, known: readonly string[]): string {
  const hint = didYouMean(name, known);
  if (known.length === 0) return `unknown parameter ${name}: the rules declare no parameters`;
  return `unknown parameter ${name}${hint === "" ? ` (declared: ${known.join(", ")})` : `: ${hint}`}`;
}

/** Each declared param's kind: the type its uses were checked at, else guessed from its default. */
function paramKinds(plan: ProgramPlan): Map<string, ParamKind> {
  const used = new Map<string, FieldType["kind"]>();
  collectParamTypes(plan.rules, used, 0);
  const kinds = new Map<string, ParamKind>();
  for (const p of plan.params) kinds.set(p.name, used.get(p.name) ?? kindOfDefault(p.defaultValue));
  return kinds;
}

/** Walks the plan's rules for `{kind: "param", name, type}` expression nodes. */
function collectParamTypes(node: unknown, out: Map<string, FieldType["kind"]>, depth: number): void {
  if (node === null || typeof node !== "object" || depth > 400) return;
  if (Array.isArray(node)) {
    for (const x of node) collectParamTypes(x, out, depth + 1);
    return;
  }
  const o = node as Record<string, unknown>;
  if (o.kind === "param" && typeof o.name === "string" && isFieldType(o.type) && o.type.kind !== "any") {
    if (!out.has(o.name)) out.set(o.name, o.type.kind);
    return;
  }
  for (const v of Object.values(o)) collectParamTypes(v, out, depth + 1);
}

function isFieldType(t: unknown): t is FieldType {
  return t !== null && typeof t === "object" && typeof (t as { kind?: unknown }).kind === "string";
}

function kindOfDefault(v: Value): ParamKind {
  if (typeof v === "boolean") return "bool";
  if (typeof v === "number") return "number";
  return typeof v === "string" ? "string" : "any";
}

function describeKind(kind: ParamKind): string {
  const names: Partial<Record<ParamKind, string>> = {
    int: "an int",
    float: "a float",
    number: "a number",
    bool: "a bool (true or false)",
    duration: "a duration (e.g. 500ms, 30s, 5m, 1h, 7d)",
    timestamp: "a timestamp (ISO 8601, e.g. 2024-01-31T12:00:00Z, or epoch ms)",
  };
  return names[kind] ?? `a ${kind}`;
}

/** The typed value of `text` for `kind`, or undefined when it does not parse. */
export function parseParamValue(text: string, kind: ParamKind): Value | undefined {
  const t = text.trim();
  switch (kind) {
    case "int":
      return /^[+-]?\d+$/.test(t) && Number.isSafeInteger(Number(t)) ? Number(t) : undefined;
    case "float":
    case "number":
      return /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t) && Number.isFinite(Number(t))
        ? Number(t)
        : undefined;
    case "bool":
      return t === "true" ? true : t === "false" ? false : undefined;
    case "duration":
      return parseDurationMs(t);
    case "timestamp":
      return parseTimestampMs(t);
    case "string":
      return unquote(text);
    default:
      return undefined;
  }
}

/** An already-typed override (a JSON config value), or undefined when it is not of `kind`. */
function typedParamValue(v: Value, kind: ParamKind): Value | undefined {
  if (typeof v === "boolean") return kind === "bool" ? v : undefined;
  if (typeof v !== "number" || !Number.isFinite(v)) return undefined;
  if (kind === "float" || kind === "number") return v;
  return (kind === "int" || kind === "duration" || kind === "timestamp") && Number.isSafeInteger(v)
    ? v
    : undefined;
}

/** `5m` -> 300000, `1h30m` -> 5400000; a bare number or an unknown unit is undefined. */
export function parseDurationMs(t: string): number | undefined {
  if (!/^(\d+(ms|s|m|h|d))+$/.test(t)) return undefined;
  let ms = 0;
  for (const [, amount, unit] of t.matchAll(/(\d+)(ms|s|m|h|d)/g))
    ms += Number(amount) * (UNIT_MS[unit!] ?? 0);
  return Number.isSafeInteger(ms) ? ms : undefined;
}

function parseTimestampMs(t: string): number | undefined {
  if (/^-?\d+$/.test(t)) return Number.isSafeInteger(Number(t)) ? Number(t) : undefined;
  if (!/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(t))
    return undefined;
  // No zone written means UTC (never the machine's local time).
  const zoned = /(Z|[+-]\d{2}:?\d{2})$/.test(t) ? t : t.length === 10 ? `${t}T00:00:00Z` : `${t}Z`;
  const ms = Date.parse(zoned.replace(" ", "T"));
  return Number.isFinite(ms) ? ms : undefined;
}

/** `"x"` (JSON-quoted) -> x; anything else is taken as written. */
function unquote(text: string): string {
  if (text.length >= 2 && text.startsWith('"') && text.endsWith('"')) {
    try {
      const v = JSON.parse(text) as unknown;
      if (typeof v === "string") return v;
    } catch {
      // not valid JSON: keep the text
    }
  }
  return text;
}

// Testing kit, property tests: fast-check arbitraries of records derived from a stream's (or
// table's) declared schema, with hooks to constrain fields: a fixed set of values, a numeric range,
// or any arbitrary of your own. Values are always valid for the schema unless a hook says otherwise.
import fc from "fast-check";
import type { FieldSchema, FieldType, RecordSchema } from "../../core/schema.ts";
import type { Row, Value } from "../../core/value.ts";
import type { ProgramPlan, StreamDecl, TableDecl } from "../../plan/plan.ts";

/** How to generate one field: the values to pick from, a numeric range, or an arbitrary. */
export type FieldHook =
  | readonly Value[]
  | { readonly min: number; readonly max: number }
  | fc.Arbitrary<Value>;

export interface RecordConstraints {
  /** Per field: overrides what the schema would generate (and makes an optional field always present). */
  readonly fields?: Readonly<Record<string, FieldHook>>;
  /** Range of generated timestamp fields (epoch ms). Default: 2026-01-01 plus one day. */
  readonly timeRange?: { readonly min: number; readonly max: number };
  /** Optional fields: also generate null (default true). */
  readonly nulls?: boolean;
}

/** A stream or table declaration: pass it, or its name with the plan. */
export type Declared = StreamDecl | TableDecl;

const DEFAULT_START = Date.UTC(2026, 0, 1);
const DAY = 86_400_000;

/**
 * An arbitrary of rows for `decl`. Example:
 * `arbitrary(stream, { fields: { card_id: ["c1", "c2"], amount: { min: 1, max: 900 } } })`.
 */
export function arbitrary(decl: Declared, constraints: RecordConstraints = {}): fc.Arbitrary<Row> {
  const unknown = Object.keys(constraints.fields ?? {}).filter(
    (f) => !decl.schema.fields.some((x) => x.name === f),
  );
  if (unknown.length > 0) throw new Error(`${decl.name} has no field ${unknown.join(", ")}`);
  return recordOf(decl.schema, constraints, true);
}

/** The stream or table named `name` in `plan`. */
export function declared(plan: ProgramPlan, name: string): Declared {
  const d = [...plan.streams, ...plan.tables].find((x) => x.name === name);
  if (!d) throw new Error(`no stream or table named ${name}`);
  return d;
}

function recordOf(schema: RecordSchema, c: RecordConstraints, top: boolean): fc.Arbitrary<Row> {
  const model: Record<string, fc.Arbitrary<Value>> = {};
  for (const f of schema.fields) model[f.name] = fieldOf(f, c, top);
  return fc.record(model) as fc.Arbitrary<Row>;
}

function fieldOf(f: FieldSchema, c: RecordConstraints, top: boolean): fc.Arbitrary<Value> {
  const hook = top ? c.fields?.[f.name] : undefined;
  if (hook !== undefined) return hookOf(hook, f.type);
  const arb = typeOf(f.type, c);
  return f.optional && c.nulls !== false ? fc.option(arb, { nil: null, freq: 4 }) : arb;
}

function hookOf(hook: FieldHook, type: FieldType): fc.Arbitrary<Value> {
  if (Array.isArray(hook)) {
    if (hook.length === 0) throw new Error("a field hook needs at least one value");
    return fc.constantFrom(...(hook as Value[]));
  }
  if ("min" in hook && "max" in hook && typeof hook.min === "number") {
    const { min, max } = hook as { min: number; max: number };
    return type.kind === "float"
      ? cents(min, max)
      : fc.integer({ min: Math.ceil(min), max: Math.floor(max) });
  }
  return hook as fc.Arbitrary<Value>;
}

function typeOf(t: FieldType, c: RecordConstraints): fc.Arbitrary<Value> {
  switch (t.kind) {
    case "string":
      return fc.string({ maxLength: 8 });
    case "int":
      return fc.integer({ min: -1_000_000, max: 1_000_000 });
    case "float":
      return cents(-1_000_000, 1_000_000);
    case "bool":
      return fc.boolean();
    case "timestamp": {
      const r = c.timeRange ?? { min: DEFAULT_START, max: DEFAULT_START + DAY };
      return fc.integer({ min: r.min, max: r.max });
    }
    case "duration":
      return fc.integer({ min: 0, max: DAY });
    case "any": // a required `any` must still be present and not null
      return fc.oneof(fc.boolean(), fc.integer(), fc.string({ maxLength: 8 }));
    case "array":
      return fc.array(typeOf(t.of, c), { maxLength: 4 });
    case "record":
      return recordOf(t.schema, c, false);
  }
}

/** Amounts with two decimals: readable counterexamples. */
function cents(min: number, max: number): fc.Arbitrary<number> {
  return fc.integer({ min: Math.ceil(min * 100), max: Math.floor(max * 100) }).map((n) => n / 100);
}

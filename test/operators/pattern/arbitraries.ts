// fast-check arbitraries for pattern tests: small random patterns (every contiguity, quantifier,
// negation, until, greedy, within, skip strategy) as JSON descriptors, and keyed events out of order.
import fc from "fast-check";
import type { Row } from "../../../src/core/value.ts";
import type { Contiguity, SkipStrategy } from "../../../src/plan/plan.ts";
import type { Fn, TestEvent, TestPattern, TestStep } from "./build.ts";
import { both, local, withPrev } from "./fake-context.ts";

export type CondDesc =
  | { readonly k: "any" }
  | { readonly k: "eq" | "ne" | "ge"; readonly c: number }
  | { readonly k: "w" }
  | { readonly k: "gtPrev" }
  /** `v > prev(v)`: above the key's physically previous event (false at the key's first event). */
  | { readonly k: "gtPrevEvent" }
  /** `v >= 1 and v > prev(v)`: a candidate-only conjunct beside `prev`, so the cheap path applies. */
  | { readonly k: "rising" }
  | { readonly k: "countLt"; readonly n: number };

export interface StepDesc {
  readonly cond: CondDesc;
  readonly q: readonly [number, number | null];
  readonly greedy: boolean;
  /** `longest` (M7L); absent: false. */
  readonly longest?: boolean;
  readonly contiguity: Contiguity;
  readonly inner: Contiguity;
  readonly until: CondDesc | null;
  readonly negated: boolean;
}

export interface PatternDesc {
  readonly steps: readonly StepDesc[];
  readonly withinMs: number | null;
  readonly skip: SkipStrategy;
  /** `within D between steps`; absent: none. */
  readonly gapMs?: number | null;
  /** `match once`; absent: false. */
  readonly startOnce?: boolean;
}

const contiguity = fc.constantFrom<Contiguity>("strict", "relaxed", "non-deterministic");
const simpleCond = fc.oneof(
  fc.record({
    k: fc.constantFrom("eq" as const, "ne" as const, "ge" as const),
    c: fc.integer({ min: 0, max: 2 }),
  }),
  fc.constant<CondDesc>({ k: "w" }),
);
const cond: fc.Arbitrary<CondDesc> = fc.oneof(
  { weight: 1, arbitrary: fc.constant<CondDesc>({ k: "any" }) },
  { weight: 4, arbitrary: simpleCond },
  { weight: 1, arbitrary: fc.constant<CondDesc>({ k: "gtPrev" }) },
  { weight: 1, arbitrary: fc.constant<CondDesc>({ k: "gtPrevEvent" }) },
  { weight: 1, arbitrary: fc.constant<CondDesc>({ k: "rising" }) },
  {
    weight: 1,
    arbitrary: fc.record({ k: fc.constant("countLt" as const), n: fc.integer({ min: 1, max: 3 }) }),
  },
);
const quantifier = fc.constantFrom<readonly [number, number | null]>(
  [1, 1],
  [0, 1],
  [1, null],
  [0, null],
  [2, 2],
  [1, 2],
  [2, null],
);

const positive: fc.Arbitrary<StepDesc> = fc.record({
  cond,
  q: quantifier,
  greedy: fc.boolean(),
  longest: fc.constantFrom(false, false, false, true),
  contiguity,
  inner: contiguity,
  until: fc.option(simpleCond, { freq: 3 }),
  negated: fc.constant(false),
});

const negation: fc.Arbitrary<StepDesc> = fc.record({
  cond: simpleCond,
  q: fc.constant([1, 1] as const),
  greedy: fc.constant(false),
  contiguity: fc.constantFrom<Contiguity>("strict", "relaxed"),
  inner: fc.constant<Contiguity>("relaxed"),
  until: fc.constant(null),
  negated: fc.constant(true),
});

/** 1-3 positive steps, at most one negated step after the first; within when a negation is present. */
export const patternDesc: fc.Arbitrary<PatternDesc> = fc
  .tuple(
    fc.array(positive, { minLength: 1, maxLength: 3 }),
    fc.option(fc.tuple(negation, fc.nat()), { freq: 2 }),
    fc.option(fc.integer({ min: 3, max: 40 })),
    fc.nat(),
    fc.nat(),
    fc.boolean(),
  )
  .map(([pos, neg, within, skipPick, stepPick, orFail]) => {
    const steps = [...pos];
    if (neg !== null) steps.splice(1 + (neg[1] % pos.length), 0, neg[0]);
    const names = steps.map((_, i) => `s${i}`);
    const kinds = ["no-skip", "skip-to-next", "skip-past-last", "skip-to-first", "skip-to-last"] as const;
    const kind = kinds[skipPick % kinds.length] as (typeof kinds)[number];
    const step = names[stepPick % names.length] as string;
    const skip: SkipStrategy =
      kind === "skip-to-first" || kind === "skip-to-last"
        ? { kind, step, orFail }
        : ({ kind } as SkipStrategy);
    return { steps, withinMs: neg !== null ? (within ?? 20) : within, skip };
  });

const rowOf = (env: Parameters<Fn>[0]): Row => env["ev"] as Row;

function condFn(d: CondDesc, self: string, prev: string | null): Fn | null {
  switch (d.k) {
    case "any":
      return null;
    case "eq":
      return local((env) => rowOf(env)["v"] === d.c);
    case "ne":
      return local((env) => rowOf(env)["v"] !== d.c);
    case "ge":
      return local((env) => (rowOf(env)["v"] as number) >= d.c);
    case "w":
      return local((env) => rowOf(env)["w"] === 1);
    case "gtPrev":
      return (env) => {
        const p = prev === null ? null : (env[prev] as Row | null);
        return p === null || (rowOf(env)["v"] as number) > (p["v"] as number);
      };
    case "gtPrevEvent":
      return withPrev((env) => {
        const p = env["$prev"] as Row | null;
        return p !== null && (rowOf(env)["v"] as number) > (p["v"] as number);
      });
    case "rising":
      return both(
        local((env) => (rowOf(env)["v"] as number) >= 1),
        condFn({ k: "gtPrevEvent" }, self, prev) as Fn,
      );
    case "countLt":
      return (env) => ((env["$steps"] as Record<string, Row[]>)[self] as Row[]).length < d.n;
  }
}

/** The runnable pattern of a descriptor (step names s0, s1, ...). */
export function toPattern(d: PatternDesc): TestPattern {
  const steps: TestStep[] = d.steps.map((s, i) => {
    const name = `s${i}`;
    const prev = i > 0 ? `s${i - 1}` : null;
    const until = s.until === null ? undefined : (condFn(s.until, name, prev) ?? undefined);
    return {
      name,
      cond: condFn(s.cond, name, prev),
      opts: {
        min: s.q[0],
        max: s.q[1],
        greedy: s.greedy,
        longest: s.longest ?? false,
        contiguity: s.contiguity,
        inner: s.inner,
        negated: s.negated,
        ...(until === undefined ? {} : { until }),
      },
    };
  });
  return {
    steps,
    withinMs: d.withinMs,
    skip: d.skip,
    gapMs: d.gapMs ?? null,
    startOnce: d.startOnce ?? false,
  };
}

/** Lateness of the generated streams: arrival is event time plus a delay of at most this. */
export const LATENESS = 10;

/**
 * Events for 1-3 keys, at most `perKey` each, times 0..40 (ties happen), each arriving up to
 * LATENESS after its time, so none is late. Returned in arrival order; ids are unique.
 */
export function keyedEvents(perKey: number): fc.Arbitrary<TestEvent[]> {
  const one = fc.record({
    key: fc.constantFrom("k0", "k1", "k2"),
    ts: fc.integer({ min: 0, max: 40 }),
    delay: fc.integer({ min: 0, max: LATENESS }),
    v: fc.integer({ min: 0, max: 2 }),
    w: fc.integer({ min: 0, max: 1 }),
  });
  return fc.array(one, { maxLength: perKey * 3 }).map((raw) => {
    const kept = raw.filter((e, i) => raw.slice(0, i).filter((x) => x.key === e.key).length < perKey);
    const arrivals = kept
      .map((e, id) => ({ e, id }))
      .sort((a, b) => a.e.ts + a.e.delay - (b.e.ts + b.e.delay) || a.id - b.id);
    return arrivals.map(({ e, id }) => ({ key: e.key, ts: e.ts, row: { id, v: e.v, w: e.w } }));
  });
}

/** Conditions that read only the candidate event (what the cheap path can judge). */
export function onCandidate(c: CondDesc): boolean {
  return c.k !== "any" && c.k !== "gtPrev" && c.k !== "countLt" && c.k !== "gtPrevEvent";
}

/** `d` in the cheap path's reach (src/operators/pattern/inert.ts): no strict, no greedy, local conditions. */
export function cheapPathDesc(d: PatternDesc): PatternDesc {
  return {
    ...d,
    steps: d.steps.map((s) => ({
      ...s,
      cond: onCandidate(s.cond) ? s.cond : { k: "eq", c: 2 },
      greedy: false,
      longest: false,
      contiguity: s.contiguity === "strict" ? "relaxed" : s.contiguity,
      inner: s.inner === "strict" ? "non-deterministic" : s.inner,
    })),
  };
}

/** Patterns that may also use `within ... between steps` (alone or beside `within`) and `match once`. */
export const boundedFeatureDesc: fc.Arbitrary<PatternDesc> = fc
  .tuple(patternDesc, fc.option(fc.integer({ min: 1, max: 15 })), fc.boolean(), fc.boolean())
  .map(([d, gap, keepWithin, once]): PatternDesc => {
    const withinMs = gap === null || keepWithin ? d.withinMs : null;
    return { ...d, gapMs: gap, withinMs, startOnce: once };
  });

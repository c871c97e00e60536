// Test helpers for the pattern operator: building PatternOps from JS predicates and running them over
// events through the fake task, reading matches back as { step: [ids] }.
import type { StreamRecord } from "../../../src/core/record.ts";
import type { Row } from "../../../src/core/value.ts";
import type { Env } from "../../../src/operators/pattern/compile-nfa.ts";
import { createPatternOperator } from "../../../src/operators/pattern/pattern-operator.ts";
import type { Contiguity, PatternOp, PatternStep, SkipStrategy } from "../../../src/plan/plan.ts";
import { event, fakeTask, Predicates } from "./fake-context.ts";

export type Fn = (env: Env) => boolean;

export interface StepOpts {
  readonly min?: number;
  readonly max?: number | null;
  readonly greedy?: boolean;
  /** `longest` (M7L; implies greedy). */
  readonly longest?: boolean;
  readonly contiguity?: Contiguity;
  readonly inner?: Contiguity;
  readonly until?: Fn;
  readonly negated?: boolean;
}

export interface TestStep {
  readonly name: string;
  readonly cond: Fn | null;
  readonly opts: StepOpts;
}

export interface TestPattern {
  readonly steps: readonly TestStep[];
  readonly withinMs: number | null;
  readonly skip: SkipStrategy;
  /** Report timed-out partial matches (`on timeout emit`); they are read back from `timedOut`. */
  readonly timeouts?: boolean;
  /** `within D between steps`: the bound between consecutive takes. */
  readonly gapMs?: number | null;
  /** `match once`. */
  readonly startOnce?: boolean;
}

export function st(name: string, cond: Fn | null, opts: StepOpts = {}): TestStep {
  return { name, cond, opts };
}

/** The PatternOp for a test pattern, with conditions registered in `preds`. */
export function toOp(p: TestPattern, preds: Predicates): PatternOp {
  const steps: PatternStep[] = p.steps.map((s) => ({
    name: s.name,
    condition: s.cond === null ? null : preds.cond(s.cond),
    quantifier: {
      min: s.opts.min ?? 1,
      max: s.opts.max === undefined ? 1 : s.opts.max,
      greedy: (s.opts.greedy ?? false) || (s.opts.longest ?? false),
      longest: s.opts.longest ?? false,
    },
    contiguity: s.opts.contiguity ?? "relaxed",
    innerContiguity: s.opts.inner ?? "relaxed",
    until: s.opts.until === undefined ? null : preds.cond(s.opts.until),
    negated: s.opts.negated ?? false,
  }));
  return {
    kind: "pattern",
    name: "m",
    steps,
    withinMs: p.withinMs,
    gapMs: p.gapMs ?? null,
    startOnce: p.startOnce ?? false,
    skip: p.skip,
    store: { name: "r.m", kind: "pattern-buffer" },
    onTimeout:
      p.timeouts === true
        ? { name: "m.timeout-sink", topic: "timeouts", projection: [], outputSchema: { fields: [] } }
        : null,
  };
}

/** An input event: key, time, row (rows carry an `id`). */
export interface TestEvent {
  readonly key: string;
  readonly ts: number;
  readonly row: Row;
}

/** A match read back: step name -> ids of the rows it took, plus the key and output timestamp. */
export interface SeenMatch {
  readonly key: string | null;
  readonly ts: number;
  readonly steps: Readonly<Record<string, readonly number[]>>;
}

export function readMatch(r: StreamRecord): SeenMatch {
  const steps: Record<string, number[]> = {};
  const all = r.value["$steps"] as Record<string, Row[]>;
  for (const [name, rows] of Object.entries(all)) steps[name] = rows.map((x) => x["id"] as number);
  return { key: r.key, ts: r.timestamp, steps };
}

/**
 * Runs the pattern over events in arrival order with a watermark `latenessMs` behind the largest time
 * seen (advanced after every record), then ends the input. Returns the output records and the task.
 */
export function runPattern(p: TestPattern, arrivals: readonly TestEvent[], latenessMs: number) {
  const preds = new Predicates();
  const task = fakeTask();
  const op = toOp(p, preds);
  const timedOut: StreamRecord[] = [];
  const ctx = { ...task.ctx, sideOutput: (r: StreamRecord) => timedOut.push(r) };
  task.attach(createPatternOperator(op, ctx, "ev", preds.compile));
  let max = Number.NEGATIVE_INFINITY;
  arrivals.forEach((e, i) => {
    task.process(event(e.key, e.ts, e.row, i));
    max = Math.max(max, e.ts);
    task.advance(max - latenessMs);
  });
  task.end();
  return { out: task.out, timedOut, task, storeSize: task.stores.store(op.store.name).size() };
}

// DSL checker: the checked program, the checker's output and the lowering's input. Names are
// resolved and expressions typed (plan Expr IR); operator, store and topic names are not assigned
// yet (the lowering in src/plan does that deterministically).
import type { RecordSchema } from "../../core/schema.ts";
import type { Expr } from "../../plan/expr.ts";
import type {
  AggregateSpec,
  ParamDecl,
  PatternStep,
  Projection,
  SkipStrategy,
  SourceRef,
  StreamDecl,
  TableDecl,
  WindowSpec,
} from "../../plan/plan.ts";
import type { Span } from "../span.ts";

/** A user-chosen operator name (`named "x"`), or null for the deterministic default. */
type Named = { readonly named: string | null };

export type CheckedOp =
  | ({ readonly kind: "filter"; readonly predicate: Expr } & Named)
  | ({
      readonly kind: "rekey";
      readonly keys: readonly Expr[];
      /** True when the keys are exactly the source stream's key field: no repartition needed. */
      readonly isSourceKey: boolean;
    } & Named)
  | ({
      readonly kind: "stream-join";
      readonly right: SourceRef;
      readonly rightKeys: readonly Expr[];
      readonly withinMs: number;
      readonly graceMs: number;
      readonly condition: Expr | null;
      readonly joinType: "inner" | "left";
    } & Named)
  | ({
      readonly kind: "table-join";
      readonly table: string;
      readonly alias: string;
      readonly joinType: "inner" | "left";
    } & Named)
  | ({
      readonly kind: "window-aggregate";
      readonly groupBy: readonly Projection[];
      readonly window: WindowSpec;
      readonly graceMs: number;
      readonly aggregates: readonly AggregateSpec[];
      readonly having: Expr | null;
      readonly emit: "final" | "changes";
    } & Named)
  | ({
      readonly kind: "pattern";
      readonly steps: readonly PatternStep[];
      readonly withinMs: number | null;
      /** `within D between steps`: the bound between consecutive taken events; null: none. */
      readonly gapMs: number | null;
      /** `match once`: only the key's first start event starts a match. */
      readonly startOnce: boolean;
      readonly skip: SkipStrategy;
      /** `on timeout emit ...`: the output of partial matches that `within` ends; null: none. */
      readonly onTimeout: CheckedSink | null;
    } & Named);

/** A checked `emit`: topic, projection and the schema of what it writes. */
export interface CheckedSink {
  readonly topic: string;
  readonly projection: readonly Projection[];
  readonly outputSchema: RecordSchema;
}

export interface CheckedRule {
  readonly name: string;
  readonly span: Span;
  readonly source: SourceRef;
  readonly ops: readonly CheckedOp[];
  readonly sink: CheckedSink;
}

export interface CheckedProgram {
  readonly streams: readonly StreamDecl[];
  readonly tables: readonly TableDecl[];
  readonly params: readonly ParamDecl[];
  readonly rules: readonly CheckedRule[];
}

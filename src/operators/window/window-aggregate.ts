// Operators stage: the window aggregate operator - picks the implementation for the window kind.
// Semantics (boundaries, closing, lateness, emits) are written down in docs/windows-and-joins.md.
import type { WindowAggregateOp, WindowSpec } from "../../plan/plan.ts";
import type { CompiledExprFactory } from "../compile.ts";
import type { Operator, OperatorContext } from "../operator.ts";
import { createFixedWindowOperator } from "./fixed-windows.ts";
import { assignHopping } from "./hopping.ts";
import { createSessionWindowOperator } from "./session.ts";
import { createSlidingWindowOperator } from "./sliding.ts";
import { assignTumbling } from "./tumbling.ts";
import { createWindowCommon, type WindowCommon } from "./window-state.ts";

type ByKind = {
  readonly [K in WindowSpec["kind"]]: (w: Extract<WindowSpec, { kind: K }>, common: WindowCommon) => Operator;
};

const BY_KIND: ByKind = {
  tumbling: (w, c) => createFixedWindowOperator(c, w.sizeMs, (t) => assignTumbling(t, w.sizeMs)),
  hopping: (w, c) => createFixedWindowOperator(c, w.sizeMs, (t) => assignHopping(t, w.sizeMs, w.advanceMs)),
  sliding: (w, c) => createSlidingWindowOperator(c, w.sizeMs),
  session: (w, c) => createSessionWindowOperator(c, w.gapMs),
};

/**
 * Creates a window aggregate: `count() as n, sum(amount) as total ... window tumbling 1h emit final`
 * forwards `{ $: { key, window_start, window_end, n, total } }` once per key and hour, at end + grace.
 */
export function createWindowAggregateOperator(
  op: WindowAggregateOp,
  ctx: OperatorContext,
  compile: CompiledExprFactory,
): Operator {
  const make = BY_KIND[op.window.kind] as (w: WindowSpec, c: WindowCommon) => Operator;
  return make(op.window, createWindowCommon(op, ctx, compile));
}

// Operators stage: stream-stream join on equal keys with |t_left - t_right| <= within. Both sides
// are buffered in one store; a pair is emitted when its second record arrives. A record more than
// grace behind the watermark is late; a buffered record expires (and, in a left join, an unmatched
// left record is emitted with right = null) once the watermark passes t + within + grace.
import type { Origin, StreamRecord } from "../../core/record.ts";
import type { Row, Value } from "../../core/value.ts";
import type { CompiledExpr } from "../../eval/compile-expr.ts";
import type { StreamJoinOp } from "../../plan/plan.ts";
import type { KeyValueStore } from "../../state/store.ts";
import type { CompiledExprFactory } from "../compile.ts";
import type { Operator, OperatorContext } from "../operator.ts";
import {
  decodeKey,
  encodeIndex,
  encodeKey,
  encodeTime,
  keyFromValues,
  keyScope,
  type OriginTuple,
  originTuple,
  tupleOrigin,
} from "../store-keys.ts";

/** A buffered record: event time, environment, evidence origins, matched flag (left side). */
interface Buffered {
  readonly t: number;
  readonly env: Row;
  readonly ev: readonly OriginTuple[];
  readonly m: boolean;
}

type Side = "L" | "R";

/**
 * Creates the stream-stream join. Records of both sides come through `process`; a record whose
 * environment binds `op.right.alias` is a right record. Output: `{ ...left, [right.alias]: row }`,
 * at max(t_left, t_right), keyed by the join key.
 */
export function createStreamJoinOperator(
  op: StreamJoinOp,
  ctx: OperatorContext,
  compile: CompiledExprFactory,
): Operator {
  return new StreamJoin(op, ctx, compile);
}

class StreamJoin implements Operator {
  private readonly op: StreamJoinOp;
  private readonly ctx: OperatorContext;
  private readonly store: KeyValueStore;
  private readonly alias: string;
  private readonly rightKeys: readonly CompiledExpr[];
  private readonly condition: CompiledExpr | null;

  constructor(op: StreamJoinOp, ctx: OperatorContext, compile: CompiledExprFactory) {
    this.op = op;
    this.ctx = ctx;
    this.store = ctx.store(op.store.name);
    this.alias = op.right.alias;
    this.rightKeys = op.rightKeys.map((k) => compile(k));
    this.condition = op.condition === null ? null : compile(op.condition);
  }

  process(record: StreamRecord): void {
    const watermark = this.ctx.watermark();
    if (record.timestamp < watermark - this.op.graceMs) {
      const msg = `${this.op.name}: event time ${record.timestamp} is more than the grace (${this.op.graceMs} ms) behind watermark ${watermark}`;
      this.ctx.deadLetter(record, "late-record", msg);
      return;
    }
    const isRight = this.alias in record.value;
    const key = this.joinKey(record, isRight);
    const mine: Buffered = { t: record.timestamp, env: record.value, ev: evidenceOf(record), m: false };
    if (key === null) {
      if (!isRight && this.op.joinType === "left") this.emit(null, mine, null, record.origin);
    } else if (isRight) this.processRight(mine, key, record.origin);
    else this.processLeft(mine, key, record.origin);
  }

  onTimer(time: number, timerKey: string): void {
    const side = timerKey[0] as Side;
    const encodedKey = timerKey.slice(1);
    const scope = side + keyScope(encodedKey);
    const expired = [
      ...this.store.range(scope, scope + encodeTime(time - this.op.withinMs - this.op.graceMs)),
    ];
    for (const [k, v] of expired) {
      const entry = v as unknown as Buffered;
      if (side === "L" && this.op.joinType === "left" && !entry.m) {
        this.emit(
          decodeKey(encodedKey),
          entry,
          null,
          tupleOrigin(entry.ev[entry.ev.length - 1] as OriginTuple),
        );
      }
      this.store.delete(k);
    }
  }

  private processRight(mine: Buffered, key: string, origin: Origin): void {
    const encodedKey = encodeKey(key);
    this.buffer("R", encodedKey, mine);
    for (const [k, left] of this.partners("L", encodedKey, mine.t)) {
      if (this.emit(key, left, mine, origin) && !left.m)
        this.store.put(k, { ...left, m: true } as unknown as Value);
    }
  }

  private processLeft(mine: Buffered, key: string, origin: Origin): void {
    const encodedKey = encodeKey(key);
    let matched = false;
    for (const [, right] of this.partners("R", encodedKey, mine.t)) {
      if (this.emit(key, mine, right, origin)) matched = true;
    }
    this.buffer("L", encodedKey, { ...mine, m: matched });
  }

  /** Left records are keyed already; right records by `rightKeys` (a null value never joins). */
  private joinKey(record: StreamRecord, isRight: boolean): string | null {
    if (!isRight || this.rightKeys.length === 0) return record.key;
    const values = this.rightKeys.map((k) => k(record.value));
    return values.includes(null) ? null : keyFromValues(values);
  }

  /** Stores the record under side/key/time/arrival and asks for its expiry timer. */
  private buffer(side: Side, encodedKey: string, entry: Buffered): void {
    const at = side + keyScope(encodedKey) + encodeTime(entry.t) + "|";
    let index = 0;
    for (const _ of this.store.prefix(at)) index++;
    this.store.put(at + encodeIndex(index), entry as unknown as Value);
    this.ctx.timers.register(entry.t + this.op.withinMs + this.op.graceMs + 1, side + encodedKey);
  }

  /** The other side's buffered records of the key within the bound of t, in (time, arrival) order. */
  private partners(side: Side, encodedKey: string, t: number): [string, Buffered][] {
    const scope = side + keyScope(encodedKey);
    const within = this.op.withinMs;
    const found = this.store.range(scope + encodeTime(t - within), scope + encodeTime(t + within + 1));
    return [...found].map(([k, v]) => [k, v as unknown as Buffered]);
  }

  /** Forwards the joined record if the condition holds (a null-padded left record always); true when forwarded. */
  private emit(key: string | null, left: Buffered, right: Buffered | null, origin: Origin): boolean {
    const value = { ...left.env, [this.alias]: right === null ? null : (right.env[this.alias] ?? null) };
    if (right !== null && this.condition !== null && this.condition(value) !== true) return false;
    const events = right === null ? left.ev : [...left.ev, ...right.ev];
    const timestamp = right === null ? left.t : Math.max(left.t, right.t);
    const evidence = { kind: "events", events: events.map(tupleOrigin) } as const;
    this.ctx.forward({ key, value, timestamp, origin, evidence });
    return true;
  }
}

function evidenceOf(record: StreamRecord): OriginTuple[] {
  if (record.evidence?.kind === "events") return record.evidence.events.map(originTuple);
  return [originTuple(record.origin)];
}

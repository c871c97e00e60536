// Operators stage: stream-stream join on equal keys with |t_left - t_right| <= within. Both sides
// are buffered in one store; a pair is emitted when its second record arrives. A record more than
// grace behind the watermark is late; a buffered record expires (and, in a left join, an unmatched
// left record is emitted with right = null) once the watermark passes t + within + grace.
import type { Origin, StreamRecord } from "../../core/record.ts";
import type { Row, Value } from "../../core/value.ts";
import type { StreamJoinOp } from "../../plan/plan.ts";
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

/** A buffered record: event time, environment (left) or row (right), evidence origins, matched flag (left). */
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
  const store = ctx.store(op.store.name);
  const alias = op.right.alias;
  const rightKeys = op.rightKeys.map((k) => compile(k));
  const condition = op.condition === null ? null : compile(op.condition);
  const { withinMs: within, graceMs: grace } = op;
  const expiry = (t: number) => t + within + grace + 1;
  const sideScope = (side: Side, encodedKey: string) => side + keyScope(encodedKey);

  function joinKey(record: StreamRecord, isRight: boolean): string | null {
    if (!isRight || rightKeys.length === 0) return record.key;
    const values = rightKeys.map((k) => k(record.value));
    return values.includes(null) ? null : keyFromValues(values);
  }

  function buffer(side: Side, encodedKey: string, entry: Buffered): string {
    const at = sideScope(side, encodedKey) + encodeTime(entry.t) + "|";
    let index = 0;
    for (const _ of store.prefix(at)) index++;
    store.put(at + encodeIndex(index), entry as unknown as Value);
    ctx.timers.register(expiry(entry.t), side + encodedKey);
    return at + encodeIndex(index);
  }

  function emit(key: string | null, left: Buffered, right: Buffered | null, origin: Origin): boolean {
    const value = { ...left.env, [alias]: right === null ? null : (right.env[alias] ?? null) };
    if (right !== null && condition !== null && condition(value) !== true) return false;
    const events = right === null ? left.ev : [...left.ev, ...right.ev];
    const timestamp = right === null ? left.t : Math.max(left.t, right.t);
    ctx.forward({
      key,
      value,
      timestamp,
      origin,
      evidence: { kind: "events", events: events.map(tupleOrigin) },
    });
    return true;
  }

  /** The other side's buffered records of the key within the bound of t, in (time, arrival) order. */
  function partners(side: Side, encodedKey: string, t: number): [string, Buffered][] {
    const scope = sideScope(side, encodedKey);
    const found = store.range(scope + encodeTime(t - within), scope + encodeTime(t + within + 1));
    return [...found].map(([k, v]) => [k, v as unknown as Buffered]);
  }

  function processRecord(record: StreamRecord, isRight: boolean, key: string): void {
    const encodedKey = encodeKey(key);
    const ev = evidenceOf(record);
    const mine: Buffered = { t: record.timestamp, env: record.value, ev, m: false };
    if (isRight) {
      buffer("R", encodedKey, mine);
      for (const [k, left] of partners("L", encodedKey, record.timestamp)) {
        if (emit(key, left, mine, record.origin) && !left.m)
          store.put(k, { ...left, m: true } as unknown as Value);
      }
      return;
    }
    let matched = false;
    for (const [, right] of partners("R", encodedKey, record.timestamp)) {
      if (emit(key, mine, right, record.origin)) matched = true;
    }
    buffer("L", encodedKey, { ...mine, m: matched });
  }

  return {
    process(record) {
      const watermark = ctx.watermark();
      if (record.timestamp < watermark - grace) {
        const msg = `${op.name}: event time ${record.timestamp} is more than the grace (${grace} ms) behind watermark ${watermark}`;
        ctx.deadLetter(record, "late-record", msg);
        return;
      }
      const isRight = alias in record.value;
      const key = joinKey(record, isRight);
      if (key !== null) processRecord(record, isRight, key);
      else if (!isRight && op.joinType === "left") {
        const ev = evidenceOf(record);
        emit(null, { t: record.timestamp, env: record.value, ev, m: false }, null, record.origin);
      }
    },
    onTimer(time, timerKey) {
      const side = timerKey[0] as Side;
      const encodedKey = timerKey.slice(1);
      const scope = sideScope(side, encodedKey);
      const expired = [...store.range(scope, scope + encodeTime(time - within - grace))];
      for (const [k, v] of expired) {
        const entry = v as unknown as Buffered;
        if (side === "L" && op.joinType === "left" && !entry.m) {
          emit(decodeKey(encodedKey), entry, null, tupleOrigin(entry.ev[entry.ev.length - 1] as OriginTuple));
        }
        store.delete(k);
      }
    },
  };
}

function evidenceOf(record: StreamRecord): OriginTuple[] {
  if (record.evidence?.kind === "events") return record.evidence.events.map(originTuple);
  return [originTuple(record.origin)];
}

// Runtime stage: where a released input record goes. Each topic a task reads feeds segment entries
// (source records), stream-join right sides and table-join updates; one record may feed several rules.
import type { Origin, StreamRecord } from "../core/record.ts";
import type { Row } from "../core/value.ts";
import type { SideInput } from "../plan/segments.ts";
import { type ChainEnv, keyString, type SegmentChain } from "./segment-chain.ts";
import type { InputRecord } from "./task-api.ts";
import type { DecodedInput } from "./task-input.ts";

type Payload = Exclude<DecodedInput, { kind: "error" } | { kind: "watermark" }>;

/** Feeds one decoded record (never a decode failure) to one consumer. */
export interface Route {
  readonly chain: SegmentChain;
  /** Index of the operator the record enters at. */
  readonly entry: number;
  /** The key the record takes on this route; undefined when the route ignores it. */
  keyOf(input: InputRecord, payload: Payload): string | null | undefined;
  feed(input: InputRecord, payload: Payload, eventTime: number): void;
}

/** For each topic, the routes its records take, in segment order. */
export function buildRoutes(
  chains: readonly SegmentChain[],
  env: ChainEnv,
  countInput: (rule: string) => void,
): Map<string, Route[]> {
  const routes = new Map<string, Route[]>();
  const add = (topic: string, r: Route): void => {
    routes.set(topic, [...(routes.get(topic) ?? []), r]);
  };
  for (const chain of chains) {
    const s = chain.segment;
    const main = mainRoute(chain);
    const rule = s.rule.name;
    const counted: Route =
      s.role === "rule" && s.index === 0
        ? {
            ...main,
            feed: (i, p, t) => {
              countInput(rule);
              main.feed(i, p, t);
            },
          }
        : main;
    add(s.inputTopic, counted);
    for (const side of chain.segment.sideInputs) add(side.topic, sideRoute(chain, side, env));
  }
  return routes;
}

/** The coordinates of an input record. */
export function originOf(input: InputRecord): Origin {
  return { topic: input.topic, partition: input.partition, offset: input.offset };
}

/**
 * Makes `{ <alias>: row }` with the alias as a literal key: an object literal of one shape, which V8
 * builds faster than a computed key (one per source record).
 */
function environmentOf(alias: string): (row: Row | null) => Row {
  // A literal "__proto__" key would set the prototype: that alias keeps the computed key.
  if (alias === "__proto__") return (row) => ({ [alias]: row });
  return new Function("row", `return { ${JSON.stringify(alias)}: row };`) as (row: Row | null) => Row;
}

// A source row binds the segment's alias; a repartitioned record brings its environment and origin.
function mainRoute(chain: SegmentChain): Route {
  const s = chain.segment;
  const keyField = s.source.keyField;
  const bind = environmentOf(s.alias);
  const keyOf = (input: InputRecord, payload: Payload): string | null => {
    if (payload.kind === "env") return input.key;
    return input.key ?? (keyField && payload.row ? keyString([payload.row[keyField] ?? null]) : null);
  };
  return {
    chain,
    entry: 0,
    keyOf,
    feed: (input, payload, eventTime) => {
      if (payload.kind === "env") {
        const { env: value, origin, evidence } = payload;
        chain.enter(0, {
          key: input.key,
          value,
          timestamp: eventTime,
          origin,
          ...(evidence ? { evidence } : {}),
        });
        return;
      }
      const key = keyOf(input, payload);
      chain.enter(0, {
        key,
        value: bind(payload.row),
        timestamp: eventTime,
        origin: originOf(input),
      });
    },
  };
}

function sideRoute(chain: SegmentChain, side: SideInput, env: ChainEnv): Route {
  const entry = side.opIndex;
  if (side.kind === "table") {
    // The table-join operator materializes its table: an environment binding its alias is an update.
    const { alias } = side.op;
    const keyField = side.decl.keyField;
    const keyOf = (input: InputRecord, payload: Payload): string | null | undefined => {
      if (payload.kind !== "row") return undefined;
      const key = input.key ?? (payload.row ? keyString([payload.row[keyField] ?? null]) : null);
      return key === null ? undefined : key;
    };
    return {
      chain,
      entry,
      keyOf,
      feed: (input, payload, eventTime) => {
        const key = keyOf(input, payload);
        if (key === undefined || key === null || payload.kind !== "row") return;
        const update: StreamRecord = {
          key,
          value: { [alias]: payload.row },
          timestamp: eventTime,
          origin: originOf(input),
        };
        chain.enter(entry, update);
      },
    };
  }
  if (side.repartitioned) {
    // Re-keyed upstream by a right re-key segment: the environment already binds the right alias.
    return {
      chain,
      entry,
      keyOf: (input, payload) => (payload.kind === "env" ? input.key : undefined),
      feed: (input, payload, eventTime) => {
        if (payload.kind !== "env") return;
        chain.enter(entry, {
          key: input.key,
          value: payload.env,
          timestamp: eventTime,
          origin: payload.origin,
        });
      },
    };
  }
  const keys = side.op.rightKeys.map((k) => env.compile(k));
  const alias = side.op.right.alias;
  const rightKey = (input: InputRecord, value: Row): string | null =>
    keys.length > 0 ? keyString(keys.map((k) => k(value))) : input.key;
  return {
    chain,
    entry,
    keyOf: (input, payload) =>
      payload.kind !== "row" || payload.row === null ? undefined : rightKey(input, { [alias]: payload.row }),
    feed: (input, payload, eventTime) => {
      if (payload.kind !== "row" || payload.row === null) return;
      const value: Row = { [alias]: payload.row };
      chain.enter(entry, {
        key: rightKey(input, value),
        value,
        timestamp: eventTime,
        origin: originOf(input),
      });
    },
  };
}

// Runtime stage: where a released input record goes. Each topic a task reads feeds segment entries
// (source records), stream-join right sides and table-join updates; one record may feed several rules.
import type { Origin, StreamRecord } from "../core/record.ts";
import type { Row } from "../core/value.ts";
import type { SideInput } from "../plan/segments.ts";
import { type ChainEnv, keyString, type SegmentChain } from "./segment-chain.ts";
import type { InputRecord } from "./task-api.ts";
import type { DecodedInput } from "./task-input.ts";

/** Feeds one decoded record (never a decode failure) to one consumer. */
export type Route = (
  input: InputRecord,
  payload: Exclude<DecodedInput, { kind: "error" }>,
  eventTime: number,
) => void;

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
    const main = mainRoute(chain);
    const s = chain.segment;
    const rule = s.rule.name;
    add(
      s.inputTopic,
      s.role === "rule" && s.index === 0
        ? (i, p, t) => {
            countInput(rule);
            main(i, p, t);
          }
        : main,
    );
    for (const side of chain.segment.sideInputs) add(side.topic, sideRoute(chain, side, env));
  }
  return routes;
}

/** The coordinates of an input record. */
export function originOf(input: InputRecord): Origin {
  return { topic: input.topic, partition: input.partition, offset: input.offset };
}

// A source row binds the segment's alias; a repartitioned record brings its environment and origin.
function mainRoute(chain: SegmentChain): Route {
  const s = chain.segment;
  const keyField = s.source.keyField;
  return (input, payload, eventTime) => {
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
    const key = input.key ?? (keyField && payload.row ? keyString([payload.row[keyField] ?? null]) : null);
    chain.enter(0, { key, value: { [s.alias]: payload.row }, timestamp: eventTime, origin: originOf(input) });
  };
}

function sideRoute(chain: SegmentChain, side: SideInput, env: ChainEnv): Route {
  if (side.kind === "table") {
    // The table-join operator materializes its table: an environment binding its alias is an update.
    const { alias } = side.op;
    const keyField = side.decl.keyField;
    return (input, payload, eventTime) => {
      if (payload.kind !== "row") return;
      const key = input.key ?? (payload.row ? keyString([payload.row[keyField] ?? null]) : null);
      if (key === null) return;
      const update: StreamRecord = {
        key,
        value: { [alias]: payload.row },
        timestamp: eventTime,
        origin: originOf(input),
      };
      chain.enter(side.opIndex, update);
    };
  }
  if (side.repartitioned) {
    // Re-keyed upstream by a right re-key segment: the environment already binds the right alias.
    return (input, payload, eventTime) => {
      if (payload.kind !== "env") return;
      chain.enter(side.opIndex, {
        key: input.key,
        value: payload.env,
        timestamp: eventTime,
        origin: payload.origin,
      });
    };
  }
  const keys = side.op.rightKeys.map((k) => env.compile(k));
  const alias = side.op.right.alias;
  return (input, payload, eventTime) => {
    if (payload.kind !== "row" || payload.row === null) return;
    const value: Row = { [alias]: payload.row };
    const key = keys.length > 0 ? keyString(keys.map((k) => k(value))) : input.key;
    chain.enter(side.opIndex, { key, value, timestamp: eventTime, origin: originOf(input) });
  };
}

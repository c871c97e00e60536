// Kafka I/O stage: the one module that loads kafkajs (the others import its values from here and
// its types from "kafkajs"). kafkajs 2.2.4 is the last release, pinned exactly in package.json, and
// its produce path cost more CPU than all of Vigil's per-record work: loading it here first
// replaces three of its internal modules with equivalents that give the same results:
// - `groupMessagesPerPartition` copied its array for every message (`[...current, message]`),
//   quadratic in a send's records per partition: here it appends;
// - the Produce v3 request (v4-v7 extend it), which allocated several Buffers per record: here it
//   is encoded in one pass into one Buffer (produce-request.ts; a property test compares bytes).
// On any other kafkajs version nothing is replaced: kafkajs then runs as shipped.
import { createRequire } from "node:module";
import type * as KafkaJs from "kafkajs";
import { encodeProduceRequest, type ProduceRequestArgs } from "./produce-request.ts";
import { fastRecordDecoder, type RecordDecoder } from "./record-decoder.ts";

const require = createRequire(import.meta.url);
const PATCHED_VERSION = "2.2.4";
const base = "kafkajs/src/";

interface Patches {
  /** Messages grouped per partition in linear time. */
  readonly grouping: boolean;
  /** Fetched records decoded by record-decoder.ts. */
  readonly recordDecoder: boolean;
  /** Produce requests encoded by produce-request.ts. */
  readonly produceRequest: boolean;
}

type Grouping = (a: {
  topic: string;
  partitionMetadata: unknown[];
  messages: unknown[];
  partitioner: (a: { topic: string; partitionMetadata: unknown[]; message: unknown }) => number;
}) => Record<number, unknown[]>;

/** The same grouping as kafkajs's (same partitioner calls, same order), appending instead of copying. */
const linearGrouping: Grouping = ({ topic, partitionMetadata, messages, partitioner }) => {
  const result: Record<number, unknown[]> = {};
  if (partitionMetadata.length === 0) return result;
  for (const message of messages) {
    const partition = partitioner({ topic, partitionMetadata, message });
    const list = result[partition];
    if (list === undefined) result[partition] = [message];
    else list.push(message);
  }
  return result;
};

/** Produce requests this process encoded: in one pass, or by kafkajs (a shape produce-request.ts does not cover). */
export const produceEncodings = { fast: 0, stock: 0 };

/** kafkajs's own modules as shipped, kept for the tests that compare against them. */
export const stockInternals: { grouping?: Grouping; produceV3?: ProduceV3; recordDecoder?: RecordDecoder } =
  {};

function replaceExports(path: string, make: (original: unknown) => unknown): unknown {
  const original = require(path) as unknown;
  const entry = require.cache[require.resolve(path)];
  if (entry === undefined) throw new Error(`kafkajs: ${path} is not in the module cache`);
  entry.exports = make(original);
  return original;
}

/**
 * Replaces kafkajs's module `path` unless `user` (the module that takes it when it loads) is loaded
 * already; either way returns kafkajs's own.
 */
function replaceBeforeLoad(
  user: string,
  path: string,
  make: (original: unknown) => unknown,
): { replaced: boolean; stock: unknown } {
  if (require.cache[require.resolve(base + user)] !== undefined) {
    return { replaced: false, stock: require(base + path) };
  }
  return { replaced: true, stock: replaceExports(base + path, make) };
}

type ProduceV3 = (args: ProduceRequestArgs) => { encode: () => Promise<unknown> } & Record<string, unknown>;

function install(): Patches {
  const version = (require("kafkajs/package.json") as { version: string }).version;
  if (version !== PATCHED_VERSION) return { grouping: false, recordDecoder: false, produceRequest: false };
  // sendMessages takes the grouping function when it loads, and the batch decoder the record
  // decoder: only a kafkajs not loaded yet can use ours.
  const grouping = replaceBeforeLoad(
    "producer/sendMessages.js",
    "producer/groupMessagesPerPartition.js",
    () => linearGrouping,
  );
  stockInternals.grouping = grouping.stock as Grouping;
  const recordDecoder = replaceBeforeLoad(
    "protocol/recordBatch/v0/decoder.js",
    "protocol/recordBatch/record/v0/decoder.js",
    (stock) => fastRecordDecoder(stock as RecordDecoder),
  );
  stockInternals.recordDecoder = recordDecoder.stock as RecordDecoder;
  const Encoder = require(`${base}protocol/encoder.js`) as new () => { buf: Buffer; offset: number };
  stockInternals.produceV3 = replaceExports(`${base}protocol/requests/produce/v3/request.js`, (original) => {
    const stock = original as ProduceV3;
    const fast: ProduceV3 = (args) => {
      const request = stock(args);
      return {
        ...request,
        encode: async () => {
          const body = encodeProduceRequest(args);
          if (body === null) {
            produceEncodings.stock++;
            return request.encode();
          }
          produceEncodings.fast++;
          const encoder = new Encoder();
          encoder.buf = body;
          encoder.offset = body.length;
          return encoder;
        },
      };
    };
    return fast;
  }) as ProduceV3;
  return { grouping: grouping.replaced, recordDecoder: recordDecoder.replaced, produceRequest: true };
}

/** Which of kafkajs's internals this process replaced (all three when it loaded kafkajs 2.2.4 first). */
export const kafkajsPatches: Patches = install();

/** kafkajs itself (its CommonJS module object). */
export const kafkajs = require("kafkajs") as typeof KafkaJs;

export const Kafka = kafkajs.Kafka;
export type Kafka = KafkaJs.Kafka;
export const logLevel = kafkajs.logLevel;
export type logLevel = KafkaJs.logLevel;
export const AssignerProtocol = kafkajs.AssignerProtocol;

// Benchmarks: the in-memory task state store (overlay over a committed base) against a plain Map,
// both doing a put then a get of 10,000 string keys per call, in key operations per second.
import { createMemoryTaskStores } from "../../src/state/memory-stores.ts";
import { type BenchRow, measure } from "./measure.ts";

const KEYS = 10_000;

/** Runs the suite: one put + one get per key (2 x 10,000 key ops per call). */
export async function stateStores(): Promise<BenchRow[]> {
  const keys = Array.from({ length: KEYS }, (_, i) => `card-${(i * 7919) % 100_000}:${i}`);
  const putGetMap = (): number => {
    const m = new Map<string, number>();
    let sum = 0;
    for (let i = 0; i < KEYS; i++) m.set(keys[i]!, i);
    for (let i = 0; i < KEYS; i++) sum += m.get(keys[i]!)!;
    return sum;
  };
  const putGetStore = (commit: boolean) => async (): Promise<number> => {
    const stores = createMemoryTaskStores();
    const s = stores.store("bench");
    let sum = 0;
    for (let i = 0; i < KEYS; i++) s.put(keys[i]!, i);
    if (commit) await stores.commit({ inputOffsets: {}, changelogOffsets: {}, meta: {} });
    for (let i = 0; i < KEYS; i++) sum += s.get(keys[i]!) as number;
    return sum;
  };
  if ((await putGetStore(true)()) !== putGetMap()) throw new Error("store and Map disagree");
  const ops = 2 * KEYS;
  return measure(
    "State stores (10k string keys, put+get)",
    "key ops/s",
    { name: "Map", unitsPerOp: ops, fn: putGetMap },
    [
      { name: "memory store (overlay)", unitsPerOp: ops, fn: putGetStore(false) },
      { name: "memory store (put, commit, get)", unitsPerOp: ops, fn: putGetStore(true) },
    ],
    { time: 1500, iterations: 30 },
  );
}

// Nexmark benchmark: the generator's randomness. Every event draws from its own stream, seeded
// from its event id alone, so an event is a pure function of its id (any slice of the event
// sequence can be generated on its own, in any order, and gives the same rows).

/** A small deterministic random stream (mulberry32 over a 32-bit state). */
export class EventRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** The stream of event `id` (ids up to 2^53 are mixed in whole, high and low halves). */
  static forEvent(id: number, salt = 0): EventRandom {
    const lo = id >>> 0;
    const hi = Math.floor(id / 2 ** 32) >>> 0;
    return new EventRandom(mix32(lo ^ mix32(hi + 0x9e3779b9 + salt)));
  }

  /** Uniform 32-bit unsigned integer. */
  nextUint32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** Uniform in [0, 1). */
  nextDouble(): number {
    return this.nextUint32() / 2 ** 32;
  }

  /** Uniform integer in [0, bound); bound must be a positive integer below 2^32. */
  nextInt(bound: number): number {
    return Math.floor(this.nextDouble() * bound);
  }
}

/** A 32-bit finalizer (murmur3's fmix32): spreads nearby ids over the whole seed space. */
function mix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const LETTERS = "abcdefghijklmnopqrstuvwxyz";

/**
 * A word of 3 to maxLength - 1 characters: lower-case letters with a `special` character at about
 * one position in 13, then trimmed (so with the default space, a word never starts or ends blank).
 */
export function nextString(random: EventRandom, maxLength: number, special = " "): string {
  const length = 3 + random.nextInt(maxLength - 3);
  let s = "";
  for (let i = 0; i < length; i++) s += random.nextInt(13) === 0 ? special : LETTERS[random.nextInt(26)]!;
  return s.trim();
}

/** A fixed pool of random letters that padding strings are cut from (built once, seeded). */
const PADDING_POOL = ((): string => {
  const random = new EventRandom(0x5eed);
  const chars: string[] = [];
  for (let i = 0; i < 64 * 1024; i++) chars.push(LETTERS[random.nextInt(26)]!);
  return chars.join("");
})();

/**
 * Padding so that a record of `currentSize` bytes reaches `averageSize` on average: a letter string
 * of (averageSize - currentSize) +- 20%, or "" when the record is already that big.
 */
export function nextExtra(random: EventRandom, currentSize: number, averageSize: number): string {
  if (currentSize > averageSize) return "";
  const want = averageSize - currentSize;
  const delta = Math.round(want * 0.2);
  const size = want - delta + (delta === 0 ? 0 : random.nextInt(2 * delta));
  const offset = random.nextInt(PADDING_POOL.length - size);
  return PADDING_POOL.slice(offset, offset + size);
}

/** A price in cents, log-uniform between $1 and $1,000,000. */
export function nextPrice(random: EventRandom): number {
  return Math.round(10 ** (random.nextDouble() * 6) * 100);
}

// Runtime stage: the key -> partition function, Kafka's default partitioner (murmur2 of the key's
// UTF-8 bytes, positive, modulo the partition count), so embedded and Kafka runs agree on placement.

const encoder = new TextEncoder();

/** Kafka's murmur2 (seed 0x9747b28c) of `data` (its first `length` bytes), as a signed 32-bit integer. */
export function murmur2(data: Uint8Array, length = data.length): number {
  const m = 0x5bd1e995;
  let h = 0x9747b28c ^ length;
  const whole = length & ~3;
  for (let i = 0; i < whole; i += 4) {
    let k = data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24);
    k = Math.imul(k, m);
    k ^= k >>> 24;
    k = Math.imul(k, m);
    h = Math.imul(h, m) ^ k;
  }
  const rest = length & 3;
  if (rest === 3) h ^= data[whole + 2]! << 16;
  if (rest >= 2) h ^= data[whole + 1]! << 8;
  if (rest >= 1) {
    h ^= data[whole]!;
    h = Math.imul(h, m);
  }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h | 0;
}

/** The partition of `key` among `partitions` (Kafka: `toPositive(murmur2(bytes)) % n`). */
export function partitionForKey(key: string, partitions: number): number {
  // UTF-8 takes at most 3 bytes per UTF-16 code unit; the scratch buffer is reused across calls.
  if (scratch.length < key.length * 3) scratch = new Uint8Array(key.length * 3);
  const { written } = encoder.encodeInto(key, scratch);
  return (murmur2(scratch, written) & 0x7fffffff) % partitions;
}

let scratch = new Uint8Array(256);

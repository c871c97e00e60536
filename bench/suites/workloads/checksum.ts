// Benchmarks, shared: an order-independent checksum of a multiset of output tuples, so an engine's
// output and a baseline's can be compared whatever order each emits in. Each tuple is hashed
// (FNV-1a over its fields joined by '|'); the checksum is the count plus the sum of the hashes mod 2^32
// and the sum of a second, independently seeded hash (a collision in both is vanishingly unlikely).

export class Checksum {
  count = 0;
  private h1 = 0;
  private h2 = 0;

  add(...fields: readonly (string | number | null)[]): void {
    const s = fields.join("|");
    let a = 0x811c9dc5;
    let b = 0x01234567;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x5bd1e995);
      b ^= b >>> 15;
    }
    this.count++;
    this.h1 = (this.h1 + (a >>> 0)) >>> 0;
    this.h2 = (this.h2 + (b >>> 0)) >>> 0;
  }

  toString(): string {
    return `${this.count} records, checksum ${this.h1.toString(16).padStart(8, "0")}${this.h2.toString(16).padStart(8, "0")}`;
  }
}

/** Throws (loudly: the whole bench run fails) when the two checksums differ. */
export function expectSame(what: string, engine: Checksum, baseline: Checksum): void {
  if (engine.toString() !== baseline.toString())
    throw new Error(
      `${what}: Vigil's output disagrees with the baseline's: Vigil ${engine}, baseline ${baseline}`,
    );
}

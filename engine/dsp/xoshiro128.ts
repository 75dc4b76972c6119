/**
 * xoshiro128** (Blackman and Vigna, "Scrambled linear pseudorandom number generators", 2018):
 * 128 bits of state, 32-bit integer operations only, so the sequence is bit-identical on every
 * platform. Quality well beyond what dither needs (it passes BigCrush), period 2^128 - 1, and
 * unlike Math.random it can be seeded: renders reproduce exactly.
 *
 * Numbers are produced a block at a time into a Float64Array: a per-sample call returning a
 * double could box (allocate) if V8 did not inline it.
 */
export class Xoshiro128 {
  private readonly s = new Int32Array(4);

  constructor(seed: number) {
    this.seed(seed);
  }

  /**
   * Restarts the sequence for `seed` (any number; its low 32 bits count). The state words come
   * from a 32-bit mixing of a Weyl sequence (the splitmix idea), never all zero. Allocates nothing.
   */
  seed(seed: number): void {
    let z = seed | 0;
    for (let k = 0; k < 4; k++) {
      z = (z + 0x9e3779b9) | 0;
      let t = z;
      t = Math.imul(t ^ (t >>> 16), 0x85ebca6b);
      t = Math.imul(t ^ (t >>> 13), 0xc2b2ae35);
      this.s[k] = t ^ (t >>> 16);
    }
    if ((this.s[0]! | this.s[1]! | this.s[2]! | this.s[3]!) === 0) this.s[0] = 1;
  }

  /** Writes `count` uniform numbers in [0, 1) (32-bit resolution) to out[0 ..). Allocates nothing. */
  fillUniform(out: Float64Array, count: number): void {
    const s = this.s;
    let s0 = s[0]!;
    let s1 = s[1]!;
    let s2 = s[2]!;
    let s3 = s[3]!;
    for (let i = 0; i < count; i++) {
      // Output scrambler: rotl(s1 * 5, 7) * 9.
      const m = Math.imul(s1, 5);
      const result = Math.imul((m << 7) | (m >>> 25), 9);
      out[i] = (result >>> 0) * 2.3283064365386963e-10; // 2^-32
      // Linear engine.
      const t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
    }
    s[0] = s0;
    s[1] = s1;
    s[2] = s2;
    s[3] = s3;
  }
}

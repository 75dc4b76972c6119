/**
 * Seeded pseudo-random numbers for synthesis that must be reproducible (Math.random is not).
 * Mulberry32: 32-bit state, integer-only arithmetic, so the sequence is bit-identical on every platform.
 */

/** A generator of uniform numbers in [0, 1); each call advances its own private state. */
export type RandomSource = () => number;

/** Creates a Mulberry32 generator: tiny and fast, good enough for audio noise (not for cryptography). */
export function mulberry32(seed: number): RandomSource {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

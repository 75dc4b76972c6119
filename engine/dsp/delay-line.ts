/**
 * A float32 ring buffer whose length is a power of two, so wrapping is `index & mask`. Samples
 * are stored as float32 (half the memory and cache of float64; the arithmetic stays in doubles)
 * and written at `writeIndex`; a delay of d samples reads `buffer[(writeIndex - d) & mask]`.
 *
 * The per-sample read/write loops live in the processors (inlined by hand: a per-sample call
 * returning a double could box). Fractional reads there use either linear interpolation (only
 * while a delay glides, see delay-glide.ts) or the 4-point cubic Hermite (Catmull-Rom) form:
 *
 *   c1 = (x1 - xm1) / 2,  c2 = xm1 - 2.5 x0 + 2 x1 - x2 / 2,  c3 = (x2 - xm1) / 2 + 1.5 (x0 - x1)
 *   y  = ((c3 t + c2) t + c1) t + x0
 *
 * with x0 at the integer delay, x1 one sample older, xm1 one sample newer, t the fraction toward
 * x1. t = 0 returns x0 exactly, so integer delays are exact.
 */
export class DelayLine {
  readonly buffer: Float32Array;
  readonly mask: number;
  /** Index the next sample is written to (kept in 0..mask). */
  writeIndex = 0;

  /** Set-up time: allocates a ring of at least `minLength` samples. */
  constructor(minLength: number) {
    const size = ringSizeFor(minLength);
    this.buffer = new Float32Array(size);
    this.mask = size - 1;
  }

  /** Audio thread: clears the contents. Allocates nothing. */
  clear(): void {
    this.buffer.fill(0);
    this.writeIndex = 0;
  }
}

/** The smallest power of two >= max(2, minLength): a ring of that size wraps with a mask. */
export function ringSizeFor(minLength: number): number {
  let size = 2;
  while (size < minLength) size *= 2;
  return size;
}

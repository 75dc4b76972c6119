/**
 * A sine/cosine oscillator as a rotating phasor: (cos, sin) is multiplied each sample by the unit
 * complex number e^{i w}, two multiply-adds instead of a Math.sin per sample. Rounding makes the
 * radius wander (it drifts by ~1e-16 per sample, never the phase by more than that), so it is
 * pulled back to 1 once per block with renormalizePhasor: the oscillator neither drifts in
 * amplitude nor in frequency. The per-sample rotation is written inline by the user:
 *
 *   const c = cos * stepCos - sin * stepSin;  sin = sin * stepCos + cos * stepSin;  cos = c;
 *
 * State: PHASOR_STRIDE doubles in a Float64Array (no double crosses a per-block call).
 */
export const PHASOR_COS = 0;
export const PHASOR_SIN = 1;
export const PHASOR_STEP_COS = 2;
export const PHASOR_STEP_SIN = 3;
/** Input of setPhasorIncrement: radians per sample. */
export const PHASOR_INCREMENT = 4;
export const PHASOR_STRIDE = 5;

/** Phase 0: sin = 0, cos = 1. Allocates nothing. */
export function resetPhasor(state: Float64Array, offset: number): void {
  state[offset + PHASOR_COS] = 1;
  state[offset + PHASOR_SIN] = 0;
}

/** Recomputes the rotation from state[offset + PHASOR_INCREMENT]. Audio thread: allocates nothing. */
export function setPhasorIncrement(state: Float64Array, offset: number): void {
  const w = state[offset + PHASOR_INCREMENT]!;
  state[offset + PHASOR_STEP_COS] = Math.cos(w);
  state[offset + PHASOR_STEP_SIN] = Math.sin(w);
}

/**
 * Scales (cos, sin) back onto the unit circle with one Newton step for 1/sqrt(r^2), exact to
 * rounding for the ~1e-13 deviations a block can build up. Audio thread: allocates nothing.
 */
export function renormalizePhasor(state: Float64Array, offset: number): void {
  const c = state[offset + PHASOR_COS]!;
  const s = state[offset + PHASOR_SIN]!;
  const scale = 1.5 - 0.5 * (c * c + s * s);
  state[offset + PHASOR_COS] = c * scale;
  state[offset + PHASOR_SIN] = s * scale;
}

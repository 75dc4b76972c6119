/**
 * How a delay length moves to a new target without a click: the read position never jumps, it
 * moves at a bounded speed. Within a block the delay changes by a constant `step` per sample, so
 * the read head runs at a constant speed (1 - step): a short, bounded pitch bend instead of a
 * discontinuity. The step is (target - current) / time constant, clamped to +-maxRate samples per
 * sample; a time constant of 0 means a constant-rate slew at maxRate. The glide lands exactly on
 * the target: in the block where the remaining distance fits at the planned rate, or is below
LAND_FRACTION of what maxRate covers in the block (an exponential glide would never arrive), the
rest is covered by a linear ramp over that block. After that the delay is static.
 *
 * State lives in a Float64Array, GLIDE_STRIDE doubles per glide, so the per-block call takes
 * integers only (doubles crossing a non-inlined call get boxed).
 */

/** Delay (samples) at the end of the last block. */
export const GLIDE_CURRENT = 0;
/** Where the delay is going (samples). */
export const GLIDE_TARGET = 1;
/** Largest change per sample (samples per sample; 1 would stop the read head). */
export const GLIDE_MAX_RATE = 2;
/** 1 / time constant in samples; 0 for a constant-rate slew. */
export const GLIDE_INVERSE_TAU = 3;
/** Output of advanceGlide: delay at the start of this block (before its first sample). */
export const GLIDE_START = 4;
/** Output of advanceGlide: change per sample within this block. */
export const GLIDE_STEP = 5;
export const GLIDE_STRIDE = 6;

/** An exponential glide finishes with a ramp once the rest is this fraction of maxRate * frames. */
const LAND_FRACTION = 0.01;

/**
 * Plans the next `frames` samples: sets GLIDE_START and GLIDE_STEP (the delay of sample k of the
 * block is start + step * (k + 1)) and moves GLIDE_CURRENT to the block's last value. Audio
 * thread: allocates nothing.
 */
export function advanceGlide(state: Float64Array, offset: number, frames: number): void {
  const current = state[offset + GLIDE_CURRENT]!;
  const target = state[offset + GLIDE_TARGET]!;
  const maxRate = state[offset + GLIDE_MAX_RATE]!;
  const inverseTau = state[offset + GLIDE_INVERSE_TAU]!;
  state[offset + GLIDE_START] = current;
  const distance = target - current;
  if (distance === 0) {
    state[offset + GLIDE_STEP] = 0;
    return;
  }
  let rate = inverseTau > 0 ? distance * inverseTau : distance > 0 ? maxRate : -maxRate;
  if (rate > maxRate) rate = maxRate;
  else if (rate < -maxRate) rate = -maxRate;
  const remaining = Math.abs(distance);
  if (remaining <= Math.abs(rate) * frames || remaining <= LAND_FRACTION * maxRate * frames) {
    state[offset + GLIDE_STEP] = distance / frames;
    state[offset + GLIDE_CURRENT] = target;
  } else {
    state[offset + GLIDE_STEP] = rate;
    state[offset + GLIDE_CURRENT] = current + rate * frames;
  }
}

/** Jumps to the target at once (first update after construction or reset). Allocates nothing. */
export function snapGlide(state: Float64Array, offset: number): void {
  state[offset + GLIDE_CURRENT] = state[offset + GLIDE_TARGET]!;
  state[offset + GLIDE_START] = state[offset + GLIDE_TARGET]!;
  state[offset + GLIDE_STEP] = 0;
}

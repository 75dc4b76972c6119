/**
 * Per-block coefficient of a one-pole smoother with time constant `timeMs`, advanced
 * `frames` samples at a time: after one block, the distance to the target shrinks by this factor.
 * 0 ms gives 0 (jump at once).
 */
export function onePoleBlockCoefficient(timeMs: number, sampleRate: number, frames: number): number {
  if (timeMs <= 0) return 0;
  return Math.exp(-frames / ((timeMs / 1000) * sampleRate));
}

/** Step per block of a linear ramp that covers 0..1 in `timeMs`. 0 ms gives 1 (jump). */
export function linearRampBlockStep(timeMs: number, sampleRate: number, frames: number): number {
  if (timeMs <= 0) return 1;
  return Math.min(1, frames / ((timeMs / 1000) * sampleRate));
}

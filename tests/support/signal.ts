/** Measurement helpers for tests: independent of the engine's own code. */

export function rms(samples: Float32Array, start = 0, end = samples.length): number {
  let sum = 0;
  for (let i = start; i < end; i++) sum += samples[i]! * samples[i]!;
  return Math.sqrt(sum / Math.max(1, end - start));
}

export function peak(samples: Float32Array, start = 0, end = samples.length): number {
  let max = 0;
  for (let i = start; i < end; i++) max = Math.max(max, Math.abs(samples[i]!));
  return max;
}

export function toDb(linear: number): number {
  return 20 * Math.log10(linear);
}

/**
 * Frequency from rising zero crossings, each located by linear interpolation, over
 * [start, end): (crossings - 1) periods between the first and the last crossing.
 */
export function zeroCrossingFrequency(
  samples: Float32Array,
  sampleRate: number,
  start: number,
  end: number,
): number {
  let first = -1;
  let last = -1;
  let count = 0;
  for (let i = start + 1; i < end; i++) {
    const a = samples[i - 1]!;
    const b = samples[i]!;
    if (a < 0 && b >= 0) {
      const at = i - 1 + a / (a - b);
      if (first < 0) first = at;
      last = at;
      count++;
    }
  }
  return count < 2 ? 0 : ((count - 1) * sampleRate) / (last - first);
}

/** Index of the first sample whose magnitude reaches `threshold`, or -1. */
export function firstAbove(samples: Float32Array, threshold: number, start = 0): number {
  for (let i = start; i < samples.length; i++) if (Math.abs(samples[i]!) >= threshold) return i;
  return -1;
}

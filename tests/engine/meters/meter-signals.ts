/** Test signals for the meter tests: seeded, independent of the meters under test. */
import { Xoshiro128 } from '../../../engine/dsp/xoshiro128.ts';

/** Gaussian white noise, unit variance, `frames` samples (Box-Muller on xoshiro128**). */
export function gaussianNoise(frames: number, seed: number): Float64Array {
  const random = new Xoshiro128(seed);
  const uniform = new Float64Array(frames + (frames % 2));
  random.fillUniform(uniform, uniform.length);
  const out = new Float64Array(frames);
  for (let i = 0; i < frames; i += 2) {
    const radius = Math.sqrt(-2 * Math.log(1 - uniform[i]!));
    const angle = 2 * Math.PI * uniform[i + 1]!;
    out[i] = radius * Math.cos(angle);
    if (i + 1 < frames) out[i + 1] = radius * Math.sin(angle);
  }
  return out;
}

/**
 * Pink-ish noise: white noise through Paul Kellet's "economy" three-pole filter (about -3 dB per
 * octave from ~40 Hz to ~10 kHz), DC removed.
 */
export function pinkishNoise(frames: number, seed: number): Float64Array {
  const white = gaussianNoise(frames, seed);
  const out = new Float64Array(frames);
  let b0 = 0;
  let b1 = 0;
  let b2 = 0;
  let mean = 0;
  for (let i = 0; i < frames; i++) {
    const w = white[i]!;
    b0 = 0.99765 * b0 + w * 0.099046;
    b1 = 0.963 * b1 + w * 0.2965164;
    b2 = 0.57 * b2 + w * 1.0526913;
    out[i] = b0 + b1 + b2 + w * 0.1848;
    mean += out[i]!;
  }
  mean /= frames;
  for (let i = 0; i < frames; i++) out[i] = out[i]! - mean;
  return out;
}

/** `x` scaled to mean square `meanSquare` over all of it, as Float32 samples. */
export function scaledToMeanSquare(x: Float64Array, meanSquare: number): Float32Array {
  let sum = 0;
  for (const v of x) sum += v * v;
  const gain = Math.sqrt(meanSquare / (sum / x.length));
  return Float32Array.from(x, (v) => v * gain);
}

/** Mean square of float32 samples [start, end), in doubles. */
export function meanSquare(x: Float32Array, start = 0, end = x.length): number {
  let sum = 0;
  for (let i = start; i < end; i++) sum += x[i]! * x[i]!;
  return sum / (end - start);
}

/** amplitude * sin(2 pi f n / fs + phase), as Float32 samples. */
export function sine(
  frames: number,
  frequency: number,
  sampleRate: number,
  amplitude: number,
  phase = 0,
): Float32Array {
  const out = new Float32Array(frames);
  for (let n = 0; n < frames; n++)
    out[n] = amplitude * Math.sin((2 * Math.PI * frequency * n) / sampleRate + phase);
  return out;
}

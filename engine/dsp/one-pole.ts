/**
 * First-order Butterworth low- and high-pass by the bilinear transform, prewarped at the cutoff
 * (K = tan(pi fc / fs)):
 *   low-pass   H(z) = K (1 + z^-1) / ((1 + K) + (K - 1) z^-1),  |H|^2 = 1 / (1 + (t / K)^2)
 *   high-pass  H(z) = (1 - z^-1) / ((1 + K) + (K - 1) z^-1),    |H|^2 = 1 / (1 + (K / t)^2)
 * with t = tan(pi f / fs): -3.01 dB at fc, |H| <= 1 everywhere (safe inside feedback loops).
 * Run as y = b0 x + b1 x[n-1] - a1 y[n-1].
 */

export const ONE_POLE_B0 = 0;
export const ONE_POLE_B1 = 1;
export const ONE_POLE_A1 = 2;
export const ONE_POLE_COEFFICIENTS = 3;

/** Layout of the design arguments (a Float64Array, so no double crosses the call). */
export const ONE_POLE_FREQUENCY = 0;
export const ONE_POLE_SAMPLE_RATE = 1;

/** Highest cutoff designed, as a fraction of the sample rate (tan() grows without bound at 0.5). */
const MAX_CUTOFF_FRACTION = 0.49;

/**
 * Writes the coefficients of a low-pass (`highpass` false) or high-pass at
 * args[argsOffset + ONE_POLE_FREQUENCY] into out[outOffset ..]. Audio thread (runs in `update`
 * when a cutoff changes): allocates nothing.
 */
export function designOnePole(
  highpass: boolean,
  args: Float64Array,
  argsOffset: number,
  out: Float64Array,
  outOffset: number,
): void {
  const sampleRate = args[argsOffset + ONE_POLE_SAMPLE_RATE]!;
  const frequency = Math.min(args[argsOffset + ONE_POLE_FREQUENCY]!, MAX_CUTOFF_FRACTION * sampleRate);
  const k = Math.tan((Math.PI * frequency) / sampleRate);
  const norm = 1 / (1 + k);
  out[outOffset + ONE_POLE_A1] = (k - 1) * norm;
  if (highpass) {
    out[outOffset + ONE_POLE_B0] = norm;
    out[outOffset + ONE_POLE_B1] = -norm;
  } else {
    out[outOffset + ONE_POLE_B0] = k * norm;
    out[outOffset + ONE_POLE_B1] = k * norm;
  }
}

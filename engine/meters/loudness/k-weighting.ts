/**
 * BS.1770 K-weighting: a high shelf (head model) followed by the "RLB" high-pass, as two
 * biquads. BS.1770 prints coefficients only for 48 kHz and asks for "the same response" at
 * other rates, so the coefficients are derived from the analogue prototype by a bilinear
 * transform prewarped at each stage's f0 (the parameters libebur128 uses); at 48 kHz this
 * reproduces the printed table to its 14 digits.
 */

/** Coefficients of both stages, a0 = 1: [b0, b1, b2, a1, a2] of stage 1, then of stage 2. */
export type KWeightingCoefficients = Float64Array;

const SHELF_F0 = 1681.974450955533;
const SHELF_GAIN_DB = 3.999843853973347;
const SHELF_Q = 0.7071752369554196;
const SHELF_VB_EXPONENT = 0.4996667741545416;
const HIGH_PASS_F0 = 38.13547087602444;
const HIGH_PASS_Q = 0.5003270373238773;

export function kWeightingCoefficients(sampleRate: number): KWeightingCoefficients {
  const out = new Float64Array(10);
  let k = Math.tan((Math.PI * SHELF_F0) / sampleRate);
  const vh = Math.pow(10, SHELF_GAIN_DB / 20);
  const vb = Math.pow(vh, SHELF_VB_EXPONENT);
  let a0 = 1 + k / SHELF_Q + k * k;
  out[0] = (vh + (vb * k) / SHELF_Q + k * k) / a0;
  out[1] = (2 * (k * k - vh)) / a0;
  out[2] = (vh - (vb * k) / SHELF_Q + k * k) / a0;
  out[3] = (2 * (k * k - 1)) / a0;
  out[4] = (1 - k / SHELF_Q + k * k) / a0;
  k = Math.tan((Math.PI * HIGH_PASS_F0) / sampleRate);
  a0 = 1 + k / HIGH_PASS_Q + k * k;
  // The numerator stays un-normalised [1, -2, 1], as in the BS.1770 table: the tiny gain
  // offset this leaves is what the -0.691 dB constant of the loudness formula was fitted to.
  out[5] = 1;
  out[6] = -2;
  out[7] = 1;
  out[8] = (2 * (k * k - 1)) / a0;
  out[9] = (1 - k / HIGH_PASS_Q + k * k) / a0;
  return out;
}

/** Magnitude response of both stages at `frequency`, in dB, evaluated analytically. */
export function kWeightingGainDb(
  coefficients: KWeightingCoefficients,
  frequency: number,
  sampleRate: number,
): number {
  const w = (2 * Math.PI * frequency) / sampleRate;
  let power = 1;
  for (let stage = 0; stage < 2; stage++) {
    const o = stage * 5;
    power *=
      biquadPower(coefficients[o]!, coefficients[o + 1]!, coefficients[o + 2]!, w) /
      biquadPower(1, coefficients[o + 3]!, coefficients[o + 4]!, w);
  }
  return 10 * Math.log10(power);
}

/** |c0 + c1 e^-jw + c2 e^-2jw|^2. */
function biquadPower(c0: number, c1: number, c2: number, w: number): number {
  const re = c0 + c1 * Math.cos(w) + c2 * Math.cos(2 * w);
  const im = c1 * Math.sin(w) + c2 * Math.sin(2 * w);
  return re * re + im * im;
}

/**
 * Second-order filter designs from Robert Bristow-Johnson's "Audio EQ Cookbook" (bilinear
 * transform prewarped at f0), written as five normalized coefficients [b0, b1, b2, a1, a2]
 * (a0 = 1) into a Float64Array at an offset, so nothing is allocated.
 *
 * Shelves use the cookbook's Q form (alpha = sin(w0) / (2Q), the same knob as peaking bands):
 * Q = 1/sqrt(2) is the cookbook's S = 1, the steepest shelf without overshoot; higher Q gives
 * the overshoot/undershoot "bump" some analogue shelves have.
 *
 * Audio-thread callers use `designBiquad`, which takes frequency, gain, Q and sample rate from a
 * Float64Array: V8 boxes doubles passed to calls it does not inline. The named wrappers
 * (`designLowpass`, ...) take plain numbers for the panel, tests and setup code.
 */

/** Filter shapes, as small integers so they can sit in typed arrays and cross calls unboxed. */
export const BiquadKind = {
  lowpass: 0,
  highpass: 1,
  peaking: 2,
  lowShelf: 3,
  highShelf: 4,
  allpass: 5,
} as const;
export type BiquadKind = (typeof BiquadKind)[keyof typeof BiquadKind];

/** Coefficients per section: b0, b1, b2, a1, a2 (a0 = 1). */
export const BIQUAD_COEFFICIENTS = 5;

/** Layout of a design request in a Float64Array (see `designBiquad`). */
export const DESIGN_FREQUENCY = 0;
export const DESIGN_GAIN_DB = 1;
export const DESIGN_Q = 2;
export const DESIGN_SAMPLE_RATE = 3;
/** Doubles per design request. */
export const DESIGN_ARGS = 4;

/** Butterworth Q of a 12 dB/oct (2nd-order) section. */
export const BUTTERWORTH_Q = Math.SQRT1_2;
/**
 * Qs of the two sections of a true 4th-order Butterworth (24 dB/oct, -3 dB at fc, maximally
 * flat): 1 / (2 cos(pi/8)) and 1 / (2 cos(3pi/8)). Not LR4 (two Q = 0.7071 sections, -6 dB at
 * fc), which is only used in crossovers where LP + HP must sum flat.
 */
export const BUTTERWORTH4_Q1 = 1 / (2 * Math.cos(Math.PI / 8));
export const BUTTERWORTH4_Q2 = 1 / (2 * Math.cos((3 * Math.PI) / 8));

/** Designs stay below this fraction of the sample rate (tan(pi f / fs) diverges at Nyquist). */
const MAX_FREQUENCY_RATIO = 0.49;
const MIN_FREQUENCY_HZ = 1;
const MIN_Q = 1e-3;

/**
 * Writes the normalized coefficients of `kind` into `out[offset .. offset + 4]`, reading
 * frequency (Hz), gain (dB; peaking and shelves only), Q and sample rate from
 * `args[argBase + DESIGN_*]`. Frequency is clamped to 1 Hz .. 0.49 fs and Q to >= 0.001.
 * Audio thread safe: allocates nothing, throws nothing.
 */
export function designBiquad(
  kind: BiquadKind,
  args: Float64Array,
  argBase: number,
  out: Float64Array,
  offset: number,
): void {
  const sampleRate = args[argBase + DESIGN_SAMPLE_RATE]!;
  const frequency = Math.min(
    MAX_FREQUENCY_RATIO * sampleRate,
    Math.max(MIN_FREQUENCY_HZ, args[argBase + DESIGN_FREQUENCY]!),
  );
  const q = Math.max(MIN_Q, args[argBase + DESIGN_Q]!);
  const w0 = (2 * Math.PI * frequency) / sampleRate;
  const cosW = Math.cos(w0);
  const sinW = Math.sin(w0);
  const sinHalf = Math.sin(w0 / 2);
  // 1 - cos(w0) without the cancellation that costs digits at low frequencies.
  const oneMinusCos = 2 * sinHalf * sinHalf;
  const alpha = sinW / (2 * q);
  // Initialised: a \`let\` that may be undefined makes V8 keep these as tagged values, and every
  // double assigned to one is then boxed (an allocation per design).
  let b0 = 0;
  let b1 = 0;
  let b2 = 0;
  let a0 = 1;
  let a1 = 0;
  let a2 = 0;
  switch (kind) {
    case BiquadKind.lowpass:
      b0 = oneMinusCos / 2;
      b1 = oneMinusCos;
      b2 = b0;
      a0 = 1 + alpha;
      a1 = -2 * cosW;
      a2 = 1 - alpha;
      break;
    case BiquadKind.highpass:
      b0 = (2 - oneMinusCos) / 2;
      b1 = -(2 - oneMinusCos);
      b2 = b0;
      a0 = 1 + alpha;
      a1 = -2 * cosW;
      a2 = 1 - alpha;
      break;
    case BiquadKind.allpass:
      b0 = 1 - alpha;
      b1 = -2 * cosW;
      b2 = 1 + alpha;
      a0 = b2;
      a1 = b1;
      a2 = b0;
      break;
    case BiquadKind.peaking: {
      const a = Math.pow(10, args[argBase + DESIGN_GAIN_DB]! / 40);
      b0 = 1 + alpha * a;
      b1 = -2 * cosW;
      b2 = 1 - alpha * a;
      a0 = 1 + alpha / a;
      a1 = b1;
      a2 = 1 - alpha / a;
      break;
    }
    case BiquadKind.lowShelf: {
      const a = Math.pow(10, args[argBase + DESIGN_GAIN_DB]! / 40);
      const twoSqrtAAlpha = 2 * Math.sqrt(a) * alpha;
      b0 = a * (a + 1 - (a - 1) * cosW + twoSqrtAAlpha);
      b1 = 2 * a * (a - 1 - (a + 1) * cosW);
      b2 = a * (a + 1 - (a - 1) * cosW - twoSqrtAAlpha);
      a0 = a + 1 + (a - 1) * cosW + twoSqrtAAlpha;
      a1 = -2 * (a - 1 + (a + 1) * cosW);
      a2 = a + 1 + (a - 1) * cosW - twoSqrtAAlpha;
      break;
    }
    default: {
      // highShelf
      const a = Math.pow(10, args[argBase + DESIGN_GAIN_DB]! / 40);
      const twoSqrtAAlpha = 2 * Math.sqrt(a) * alpha;
      b0 = a * (a + 1 + (a - 1) * cosW + twoSqrtAAlpha);
      b1 = -2 * a * (a - 1 + (a + 1) * cosW);
      b2 = a * (a + 1 + (a - 1) * cosW - twoSqrtAAlpha);
      a0 = a + 1 - (a - 1) * cosW + twoSqrtAAlpha;
      a1 = 2 * (a - 1 - (a + 1) * cosW);
      a2 = a + 1 - (a - 1) * cosW - twoSqrtAAlpha;
      break;
    }
  }
  out[offset] = b0 / a0;
  out[offset + 1] = b1 / a0;
  out[offset + 2] = b2 / a0;
  out[offset + 3] = a1 / a0;
  out[offset + 4] = a2 / a0;
}

/**
 * A Butterworth low- or high-pass (`kind`) at `args[argBase + DESIGN_FREQUENCY]`: 12 dB/oct as one
 * section (Q = 1/sqrt 2) at `out[offset]`, or with `fourthOrder` 24 dB/oct as two sections
 * (Q = 0.5412, 1.3066) at `out[offset]` and `out[offset + 5]`. Overwrites `args[argBase +
 * DESIGN_Q]`. Returns the number of sections written. Audio thread safe: allocates nothing.
 */
export function designButterworth(
  kind: typeof BiquadKind.lowpass | typeof BiquadKind.highpass,
  fourthOrder: boolean,
  args: Float64Array,
  argBase: number,
  out: Float64Array,
  offset: number,
): number {
  if (!fourthOrder) {
    args[argBase + DESIGN_Q] = BUTTERWORTH_Q;
    designBiquad(kind, args, argBase, out, offset);
    return 1;
  }
  args[argBase + DESIGN_Q] = BUTTERWORTH4_Q1;
  designBiquad(kind, args, argBase, out, offset);
  args[argBase + DESIGN_Q] = BUTTERWORTH4_Q2;
  designBiquad(kind, args, argBase, out, offset + BIQUAD_COEFFICIENTS);
  return 2;
}

/** Writes the identity section [1, 0, 0, 0, 0] (a bypassed section). Allocates nothing. */
export function designIdentity(out: Float64Array, offset: number): void {
  out[offset] = 1;
  out[offset + 1] = 0;
  out[offset + 2] = 0;
  out[offset + 3] = 0;
  out[offset + 4] = 0;
}

const scratchArgs = new Float64Array(DESIGN_ARGS);

function designWith(
  kind: BiquadKind,
  out: Float64Array,
  offset: number,
  frequencyHz: number,
  gainDb: number,
  q: number,
  sampleRate: number,
): void {
  scratchArgs[DESIGN_FREQUENCY] = frequencyHz;
  scratchArgs[DESIGN_GAIN_DB] = gainDb;
  scratchArgs[DESIGN_Q] = q;
  scratchArgs[DESIGN_SAMPLE_RATE] = sampleRate;
  designBiquad(kind, scratchArgs, 0, out, offset);
}

/** Cookbook low-pass (main thread: takes plain numbers). */
export function designLowpass(
  out: Float64Array,
  offset: number,
  frequencyHz: number,
  q: number,
  sampleRate: number,
): void {
  designWith(BiquadKind.lowpass, out, offset, frequencyHz, 0, q, sampleRate);
}

/** Cookbook high-pass (main thread: takes plain numbers). */
export function designHighpass(
  out: Float64Array,
  offset: number,
  frequencyHz: number,
  q: number,
  sampleRate: number,
): void {
  designWith(BiquadKind.highpass, out, offset, frequencyHz, 0, q, sampleRate);
}

/** Cookbook second-order all-pass (main thread: takes plain numbers). */
export function designAllpass(
  out: Float64Array,
  offset: number,
  frequencyHz: number,
  q: number,
  sampleRate: number,
): void {
  designWith(BiquadKind.allpass, out, offset, frequencyHz, 0, q, sampleRate);
}

/** Cookbook peaking EQ (main thread: takes plain numbers). */
export function designPeaking(
  out: Float64Array,
  offset: number,
  frequencyHz: number,
  gainDb: number,
  q: number,
  sampleRate: number,
): void {
  designWith(BiquadKind.peaking, out, offset, frequencyHz, gainDb, q, sampleRate);
}

/** Cookbook low shelf, Q form (main thread: takes plain numbers). */
export function designLowShelf(
  out: Float64Array,
  offset: number,
  frequencyHz: number,
  gainDb: number,
  q: number,
  sampleRate: number,
): void {
  designWith(BiquadKind.lowShelf, out, offset, frequencyHz, gainDb, q, sampleRate);
}

/** Cookbook high shelf, Q form (main thread: takes plain numbers). */
export function designHighShelf(
  out: Float64Array,
  offset: number,
  frequencyHz: number,
  gainDb: number,
  q: number,
  sampleRate: number,
): void {
  designWith(BiquadKind.highShelf, out, offset, frequencyHz, gainDb, q, sampleRate);
}

/**
 * Linear magnitude |H(e^jw)| of the section at `coefficients[offset ..]`, evaluated analytically
 * (for drawing curves; not for the audio thread, it returns a double).
 */
export function biquadMagnitude(
  coefficients: Float64Array,
  offset: number,
  frequencyHz: number,
  sampleRate: number,
): number {
  const w = (2 * Math.PI * frequencyHz) / sampleRate;
  const c1 = Math.cos(w);
  const s1 = Math.sin(w);
  const c2 = Math.cos(2 * w);
  const s2 = Math.sin(2 * w);
  const b0 = coefficients[offset]!;
  const b1 = coefficients[offset + 1]!;
  const b2 = coefficients[offset + 2]!;
  const a1 = coefficients[offset + 3]!;
  const a2 = coefficients[offset + 4]!;
  const nr = b0 + b1 * c1 + b2 * c2;
  const ni = b1 * s1 + b2 * s2;
  const dr = 1 + a1 * c1 + a2 * c2;
  const di = a1 * s1 + a2 * s2;
  return Math.sqrt((nr * nr + ni * ni) / (dr * dr + di * di));
}

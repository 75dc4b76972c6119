/**
 * 2^n x oversampling for nonlinear processing: a cascade of linear-phase half-band FIR stages,
 * each doubling (or halving) the rate, run polyphase (the half-band's even taps are zero except
 * the centre, so each stage costs `pairs` multiplies per interpolated or decimated sample, using
 * the taps' symmetry). The same filters interpolate and decimate.
 *
 * Stage design: Kaiser-windowed sinc, cutoff at a quarter of the tap rate, odd taps normalised so
 * both polyphase branches have DC gain 1 exactly. The window reaches zero one (zero) tap beyond
 * the outermost non-zero tap rather than on it, where that tap would be wasted, and for each
 * length the window's beta is searched for the deepest stopband: the shortest filter that meets
 * the spec wins (2 to 4 pairs shorter than a Kaiser-formula design). A Kaiser window keeps the
 * pass-band ripple tiny at low frequencies, where an equiripple design of the same length would
 * spread its 1e-4 over the whole pass band.
 *
 * Stage 1 runs at 2 fs and must be sharp: it keeps 0 .. 20/48 fs (20 kHz at 48 kHz) and removes
 * everything from 28/48 fs on, so on the way down whatever folds into 0 .. 20 kHz is removed;
 * images and aliases between 20 and 28 kHz (48 kHz rate) are only partly attenuated (they land at
 * 20 .. 24 kHz). Later stages only need to keep 0 .. 28/48 fs and remove what would fold onto it,
 * so their transition bands are wide and their filters short. The stopbands follow from the
 * saturation's worst case (0 dBFS 15 kHz at drive 18 dB): stage 1 must remove the 3rd harmonic
 * (-10 dBc, at 45 kHz) by 70+ dB, stage 2 the 5th (-15 dBc, 75 kHz) by 65, stage 3 the 11th
 * (-25 dBc, 165 kHz; antiderivative anti-aliasing at 8x takes a further 7 dB off it) by 55.
 * Designed, measured (pass band to 20/48 fs):
 *
 *   stage  tap rate  transition (x fs)    spec    measured  taps  multiplies per output  pass band
 *   1      2 fs      20/48 .. 28/48       78 dB   79.2 dB   59    15                     0.001 dB
 *   2      4 fs      20/48 .. 68/48       65 dB   65.8 dB   19    5                      0.002 dB
 *   3      8 fs      20/48 .. 164/48      55 dB   56.5 dB   7     2                      0.013 dB
 *
 * Latency. An interpolating stage delays by M samples of its output rate (M = centre tap
 * index), a decimating one by (M - phase) samples of its input rate, where `phase` (0 or 1) is
 * which of each pair of input samples the output is aligned to. The caller may add a delay of
 * its own at the high rate (`highRateDelay` samples, e.g. an antiderivative anti-aliaser's).
 * The phases are chosen (binary digits of the fractional part) so the round trip including that
 * delay is a whole number of base-rate frames (34 frames for 3 stages and one high-rate sample).
 *
 * All buffers are allocated at construction for `maxBlockFrames`; per channel, one instance.
 *
 * The saturation runs these filters, with the plan from halfBandPlan, in its WebAssembly kernel
 * (engine/wasm/saturation.wat, both channels in f64x2 lanes, the same sums in the same order);
 * HalfBandOversampler is their JavaScript form.
 */
import { besselI0 } from './kaiser-window.ts';

interface StageSpec {
  /** Edges of the transition band, in multiples of the base sample rate. */
  readonly passEdge: number;
  readonly stopEdge: number;
  readonly stopbandDb: number;
}

const STAGES: readonly StageSpec[] = [
  { passEdge: 20 / 48, stopEdge: 28 / 48, stopbandDb: 78 },
  { passEdge: 20 / 48, stopEdge: 68 / 48, stopbandDb: 65 },
  { passEdge: 20 / 48, stopEdge: 164 / 48, stopbandDb: 55 },
];

/** Most stages this cascade supports (8x). */
export const MAX_OVERSAMPLING_STAGES = STAGES.length;

/** Designs already made (they depend only on the stage): set-up cost once per process. */
const designs: (Float64Array | undefined)[] = [];

/**
 * Odd-tap coefficients of the half-band filter of `stage` (0-based): c[i] = h[M + 2i + 1]
 * (= h[M - 2i - 1]), i = 0 .. pairs - 1; the centre tap is 1/2 and even taps are 0. The shortest
 * Kaiser-windowed design whose stopband, checked on a dense grid, meets the spec. Design time
 * only (memoised; callers must not modify the array).
 */
export function designHalfBandStage(stage: number): Float64Array {
  const spec = STAGES[stage];
  if (spec === undefined) throw new RangeError(`no oversampling stage ${stage}`);
  const known = designs[stage];
  if (known !== undefined) return known;
  const tapRate = 2 ** (stage + 1);
  const stopStart = spec.stopEdge / tapRate;
  const limit = 10 ** (-spec.stopbandDb / 20);
  for (let pairs = 2; ; pairs++) {
    const beta = bestBeta(pairs, stopStart);
    const c = halfBandTaps(pairs, beta);
    if (stopbandPeak(c, stopStart, 2000) <= limit) {
      designs[stage] = c;
      return c;
    }
  }
}

/** Golden-section search of the window parameter for the lowest stopband peak. */
function bestBeta(pairs: number, stopStart: number): number {
  const ratio = (Math.sqrt(5) - 1) / 2;
  let lo = 0;
  let hi = 16;
  let a = hi - ratio * (hi - lo);
  let b = lo + ratio * (hi - lo);
  let fa = stopbandPeak(halfBandTaps(pairs, a), stopStart, 400);
  let fb = stopbandPeak(halfBandTaps(pairs, b), stopStart, 400);
  while (hi - lo > 0.01) {
    if (fa < fb) {
      hi = b;
      b = a;
      fb = fa;
      a = hi - ratio * (hi - lo);
      fa = stopbandPeak(halfBandTaps(pairs, a), stopStart, 400);
    } else {
      lo = a;
      a = b;
      fa = fb;
      b = lo + ratio * (hi - lo);
      fb = stopbandPeak(halfBandTaps(pairs, b), stopStart, 400);
    }
  }
  return (lo + hi) / 2;
}

function halfBandTaps(pairs: number, beta: number): Float64Array {
  const i0Beta = besselI0(beta);
  // The window ends one (zero) tap beyond the outermost odd tap.
  const end = 2 * pairs;
  const c = new Float64Array(pairs);
  let sum = 0;
  for (let i = 0; i < pairs; i++) {
    const d = 2 * i + 1;
    const t = d / end;
    const window = besselI0(beta * Math.sqrt(1 - t * t)) / i0Beta;
    c[i] = (Math.sin((Math.PI * d) / 2) / (Math.PI * d)) * window;
    sum += 2 * c[i]!;
  }
  // Both polyphase branches at DC gain 1 (centre branch is 1/2 already): odd taps sum to 1/2.
  for (let i = 0; i < pairs; i++) c[i]! /= 2 * sum;
  return c;
}

/** Largest |H| from `from` to 0.5 cycles per sample of the tap rate, on `points` + 1 frequencies. */
function stopbandPeak(c: Float64Array, from: number, points: number): number {
  let peak = 0;
  for (let k = 0; k <= points; k++) {
    const f = from + ((0.5 - from) * k) / points;
    let h = 0.5;
    for (let i = 0; i < c.length; i++) h += 2 * c[i]! * Math.cos(2 * Math.PI * f * (2 * i + 1));
    peak = Math.max(peak, Math.abs(h));
  }
  return peak;
}

/**
 * Interpolating stage, inputs j = from .. to - 1: two outputs each, the half-way point (from
 * 2*pairs inputs) and a delayed copy. `buf` holds 2*pairs - 1 history samples, then the new
 * ones. Audio thread: allocates nothing.
 */
function interpolateRange(
  c: Float64Array,
  pairs: number,
  buf: Float64Array,
  from: number,
  to: number,
  out: Float64Array,
  outOffset: number,
): void {
  for (let j = from; j < to; j++) {
    // Newest input at p; the copy is x[p - pairs + 1], the half-way point sits just before it.
    const left = j + pairs - 1;
    const right = left + 1;
    let acc = 0;
    for (let i = 0; i < pairs; i++) acc += c[i]! * (buf[left - i]! + buf[right + i]!);
    out[outOffset + 2 * j] = 2 * acc;
    out[outOffset + 2 * j + 1] = buf[right]!;
  }
}

/**
 * Decimating stage, outputs m = from .. to - 1. `buf` holds 2M history samples (M = 2*pairs - 1),
 * then the inputs; output m is centred on input 2m + phase - M. Audio thread: allocates nothing.
 */
function decimateRange(
  c: Float64Array,
  pairs: number,
  phase: number,
  buf: Float64Array,
  from: number,
  to: number,
  out: Float64Array,
  outOffset: number,
): void {
  const centre = 2 * pairs - 1;
  for (let m = from; m < to; m++) {
    const k = centre + 2 * m + phase;
    let acc = 0.5 * buf[k]!;
    for (let i = 0; i < pairs; i++) acc += c[i]! * (buf[k - 2 * i - 1]! + buf[k + 2 * i + 1]!);
    out[outOffset + m] = acc;
  }
}

function interpolate(
  c: Float64Array,
  pairs: number,
  buf: Float64Array,
  frames: number,
  out: Float64Array,
  outOffset: number,
): void {
  interpolateRange(c, pairs, buf, 0, frames, out, outOffset);
  buf.copyWithin(0, frames, frames + 2 * pairs - 1);
}

function decimate(
  c: Float64Array,
  pairs: number,
  phase: number,
  buf: Float64Array,
  outFrames: number,
  out: Float64Array,
  outOffset: number,
): void {
  decimateRange(c, pairs, phase, buf, 0, outFrames, out, outOffset);
  buf.copyWithin(0, 2 * outFrames, 2 * outFrames + 2 * (2 * pairs - 1));
}

// Kernels for the designed lengths (15, 5 and 2 pairs). Each step loads the window of inputs
// that several consecutive outputs share into locals once, then computes them all: typed-array
// reads (each with its bounds check) drop from 2 per multiply to about 1 per output, and the
// coefficients stay in locals. Measured 3 to 4x faster than the generic loops, which finish the
// tail of a block whose length is not a multiple of the step.

function interpolate15(
  c: Float64Array,
  buf: Float64Array,
  frames: number,
  out: Float64Array,
  outOffset: number,
): void {
  const c0 = 2 * c[0]!;
  const c1 = 2 * c[1]!;
  const c2 = 2 * c[2]!;
  const c3 = 2 * c[3]!;
  const c4 = 2 * c[4]!;
  const c5 = 2 * c[5]!;
  const c6 = 2 * c[6]!;
  const c7 = 2 * c[7]!;
  const c8 = 2 * c[8]!;
  const c9 = 2 * c[9]!;
  const c10 = 2 * c[10]!;
  const c11 = 2 * c[11]!;
  const c12 = 2 * c[12]!;
  const c13 = 2 * c[13]!;
  const c14 = 2 * c[14]!;
  const whole = frames - (frames % 8);
  for (let j = 0; j < whole; j += 8) {
    const x0 = buf[j]!;
    const x1 = buf[j + 1]!;
    const x2 = buf[j + 2]!;
    const x3 = buf[j + 3]!;
    const x4 = buf[j + 4]!;
    const x5 = buf[j + 5]!;
    const x6 = buf[j + 6]!;
    const x7 = buf[j + 7]!;
    const x8 = buf[j + 8]!;
    const x9 = buf[j + 9]!;
    const x10 = buf[j + 10]!;
    const x11 = buf[j + 11]!;
    const x12 = buf[j + 12]!;
    const x13 = buf[j + 13]!;
    const x14 = buf[j + 14]!;
    const x15 = buf[j + 15]!;
    const x16 = buf[j + 16]!;
    const x17 = buf[j + 17]!;
    const x18 = buf[j + 18]!;
    const x19 = buf[j + 19]!;
    const x20 = buf[j + 20]!;
    const x21 = buf[j + 21]!;
    const x22 = buf[j + 22]!;
    const x23 = buf[j + 23]!;
    const x24 = buf[j + 24]!;
    const x25 = buf[j + 25]!;
    const x26 = buf[j + 26]!;
    const x27 = buf[j + 27]!;
    const x28 = buf[j + 28]!;
    const x29 = buf[j + 29]!;
    const x30 = buf[j + 30]!;
    const x31 = buf[j + 31]!;
    const x32 = buf[j + 32]!;
    const x33 = buf[j + 33]!;
    const x34 = buf[j + 34]!;
    const x35 = buf[j + 35]!;
    const x36 = buf[j + 36]!;
    const o = outOffset + 2 * j;
    out[o] =
      c0 * (x14 + x15) +
      c1 * (x13 + x16) +
      c2 * (x12 + x17) +
      c3 * (x11 + x18) +
      c4 * (x10 + x19) +
      c5 * (x9 + x20) +
      c6 * (x8 + x21) +
      c7 * (x7 + x22) +
      c8 * (x6 + x23) +
      c9 * (x5 + x24) +
      c10 * (x4 + x25) +
      c11 * (x3 + x26) +
      c12 * (x2 + x27) +
      c13 * (x1 + x28) +
      c14 * (x0 + x29);
    out[o + 1] = x15;
    out[o + 2] =
      c0 * (x15 + x16) +
      c1 * (x14 + x17) +
      c2 * (x13 + x18) +
      c3 * (x12 + x19) +
      c4 * (x11 + x20) +
      c5 * (x10 + x21) +
      c6 * (x9 + x22) +
      c7 * (x8 + x23) +
      c8 * (x7 + x24) +
      c9 * (x6 + x25) +
      c10 * (x5 + x26) +
      c11 * (x4 + x27) +
      c12 * (x3 + x28) +
      c13 * (x2 + x29) +
      c14 * (x1 + x30);
    out[o + 3] = x16;
    out[o + 4] =
      c0 * (x16 + x17) +
      c1 * (x15 + x18) +
      c2 * (x14 + x19) +
      c3 * (x13 + x20) +
      c4 * (x12 + x21) +
      c5 * (x11 + x22) +
      c6 * (x10 + x23) +
      c7 * (x9 + x24) +
      c8 * (x8 + x25) +
      c9 * (x7 + x26) +
      c10 * (x6 + x27) +
      c11 * (x5 + x28) +
      c12 * (x4 + x29) +
      c13 * (x3 + x30) +
      c14 * (x2 + x31);
    out[o + 5] = x17;
    out[o + 6] =
      c0 * (x17 + x18) +
      c1 * (x16 + x19) +
      c2 * (x15 + x20) +
      c3 * (x14 + x21) +
      c4 * (x13 + x22) +
      c5 * (x12 + x23) +
      c6 * (x11 + x24) +
      c7 * (x10 + x25) +
      c8 * (x9 + x26) +
      c9 * (x8 + x27) +
      c10 * (x7 + x28) +
      c11 * (x6 + x29) +
      c12 * (x5 + x30) +
      c13 * (x4 + x31) +
      c14 * (x3 + x32);
    out[o + 7] = x18;
    out[o + 8] =
      c0 * (x18 + x19) +
      c1 * (x17 + x20) +
      c2 * (x16 + x21) +
      c3 * (x15 + x22) +
      c4 * (x14 + x23) +
      c5 * (x13 + x24) +
      c6 * (x12 + x25) +
      c7 * (x11 + x26) +
      c8 * (x10 + x27) +
      c9 * (x9 + x28) +
      c10 * (x8 + x29) +
      c11 * (x7 + x30) +
      c12 * (x6 + x31) +
      c13 * (x5 + x32) +
      c14 * (x4 + x33);
    out[o + 9] = x19;
    out[o + 10] =
      c0 * (x19 + x20) +
      c1 * (x18 + x21) +
      c2 * (x17 + x22) +
      c3 * (x16 + x23) +
      c4 * (x15 + x24) +
      c5 * (x14 + x25) +
      c6 * (x13 + x26) +
      c7 * (x12 + x27) +
      c8 * (x11 + x28) +
      c9 * (x10 + x29) +
      c10 * (x9 + x30) +
      c11 * (x8 + x31) +
      c12 * (x7 + x32) +
      c13 * (x6 + x33) +
      c14 * (x5 + x34);
    out[o + 11] = x20;
    out[o + 12] =
      c0 * (x20 + x21) +
      c1 * (x19 + x22) +
      c2 * (x18 + x23) +
      c3 * (x17 + x24) +
      c4 * (x16 + x25) +
      c5 * (x15 + x26) +
      c6 * (x14 + x27) +
      c7 * (x13 + x28) +
      c8 * (x12 + x29) +
      c9 * (x11 + x30) +
      c10 * (x10 + x31) +
      c11 * (x9 + x32) +
      c12 * (x8 + x33) +
      c13 * (x7 + x34) +
      c14 * (x6 + x35);
    out[o + 13] = x21;
    out[o + 14] =
      c0 * (x21 + x22) +
      c1 * (x20 + x23) +
      c2 * (x19 + x24) +
      c3 * (x18 + x25) +
      c4 * (x17 + x26) +
      c5 * (x16 + x27) +
      c6 * (x15 + x28) +
      c7 * (x14 + x29) +
      c8 * (x13 + x30) +
      c9 * (x12 + x31) +
      c10 * (x11 + x32) +
      c11 * (x10 + x33) +
      c12 * (x9 + x34) +
      c13 * (x8 + x35) +
      c14 * (x7 + x36);
    out[o + 15] = x22;
  }
  interpolateRange(c, 15, buf, whole, frames, out, outOffset);
  buf.copyWithin(0, frames, frames + 29);
}

function decimate15(
  c: Float64Array,
  phase: number,
  buf: Float64Array,
  outFrames: number,
  out: Float64Array,
  outOffset: number,
): void {
  const c0 = c[0]!;
  const c1 = c[1]!;
  const c2 = c[2]!;
  const c3 = c[3]!;
  const c4 = c[4]!;
  const c5 = c[5]!;
  const c6 = c[6]!;
  const c7 = c[7]!;
  const c8 = c[8]!;
  const c9 = c[9]!;
  const c10 = c[10]!;
  const c11 = c[11]!;
  const c12 = c[12]!;
  const c13 = c[13]!;
  const c14 = c[14]!;
  const whole = outFrames - (outFrames % 8);
  for (let m = 0; m < whole; m += 8) {
    const b = 2 * m + phase;
    const x0 = buf[b]!;
    const x1 = buf[b + 2]!;
    const x2 = buf[b + 4]!;
    const x3 = buf[b + 6]!;
    const x4 = buf[b + 8]!;
    const x5 = buf[b + 10]!;
    const x6 = buf[b + 12]!;
    const x7 = buf[b + 14]!;
    const x8 = buf[b + 16]!;
    const x9 = buf[b + 18]!;
    const x10 = buf[b + 20]!;
    const x11 = buf[b + 22]!;
    const x12 = buf[b + 24]!;
    const x13 = buf[b + 26]!;
    const x14 = buf[b + 28]!;
    const x15 = buf[b + 30]!;
    const x16 = buf[b + 32]!;
    const x17 = buf[b + 34]!;
    const x18 = buf[b + 36]!;
    const x19 = buf[b + 38]!;
    const x20 = buf[b + 40]!;
    const x21 = buf[b + 42]!;
    const x22 = buf[b + 44]!;
    const x23 = buf[b + 46]!;
    const x24 = buf[b + 48]!;
    const x25 = buf[b + 50]!;
    const x26 = buf[b + 52]!;
    const x27 = buf[b + 54]!;
    const x28 = buf[b + 56]!;
    const x29 = buf[b + 58]!;
    const x30 = buf[b + 60]!;
    const x31 = buf[b + 62]!;
    const x32 = buf[b + 64]!;
    const x33 = buf[b + 66]!;
    const x34 = buf[b + 68]!;
    const x35 = buf[b + 70]!;
    const x36 = buf[b + 72]!;
    const o = outOffset + m;
    out[o] =
      0.5 * buf[b + 29]! +
      c0 * (x14 + x15) +
      c1 * (x13 + x16) +
      c2 * (x12 + x17) +
      c3 * (x11 + x18) +
      c4 * (x10 + x19) +
      c5 * (x9 + x20) +
      c6 * (x8 + x21) +
      c7 * (x7 + x22) +
      c8 * (x6 + x23) +
      c9 * (x5 + x24) +
      c10 * (x4 + x25) +
      c11 * (x3 + x26) +
      c12 * (x2 + x27) +
      c13 * (x1 + x28) +
      c14 * (x0 + x29);
    out[o + 1] =
      0.5 * buf[b + 31]! +
      c0 * (x15 + x16) +
      c1 * (x14 + x17) +
      c2 * (x13 + x18) +
      c3 * (x12 + x19) +
      c4 * (x11 + x20) +
      c5 * (x10 + x21) +
      c6 * (x9 + x22) +
      c7 * (x8 + x23) +
      c8 * (x7 + x24) +
      c9 * (x6 + x25) +
      c10 * (x5 + x26) +
      c11 * (x4 + x27) +
      c12 * (x3 + x28) +
      c13 * (x2 + x29) +
      c14 * (x1 + x30);
    out[o + 2] =
      0.5 * buf[b + 33]! +
      c0 * (x16 + x17) +
      c1 * (x15 + x18) +
      c2 * (x14 + x19) +
      c3 * (x13 + x20) +
      c4 * (x12 + x21) +
      c5 * (x11 + x22) +
      c6 * (x10 + x23) +
      c7 * (x9 + x24) +
      c8 * (x8 + x25) +
      c9 * (x7 + x26) +
      c10 * (x6 + x27) +
      c11 * (x5 + x28) +
      c12 * (x4 + x29) +
      c13 * (x3 + x30) +
      c14 * (x2 + x31);
    out[o + 3] =
      0.5 * buf[b + 35]! +
      c0 * (x17 + x18) +
      c1 * (x16 + x19) +
      c2 * (x15 + x20) +
      c3 * (x14 + x21) +
      c4 * (x13 + x22) +
      c5 * (x12 + x23) +
      c6 * (x11 + x24) +
      c7 * (x10 + x25) +
      c8 * (x9 + x26) +
      c9 * (x8 + x27) +
      c10 * (x7 + x28) +
      c11 * (x6 + x29) +
      c12 * (x5 + x30) +
      c13 * (x4 + x31) +
      c14 * (x3 + x32);
    out[o + 4] =
      0.5 * buf[b + 37]! +
      c0 * (x18 + x19) +
      c1 * (x17 + x20) +
      c2 * (x16 + x21) +
      c3 * (x15 + x22) +
      c4 * (x14 + x23) +
      c5 * (x13 + x24) +
      c6 * (x12 + x25) +
      c7 * (x11 + x26) +
      c8 * (x10 + x27) +
      c9 * (x9 + x28) +
      c10 * (x8 + x29) +
      c11 * (x7 + x30) +
      c12 * (x6 + x31) +
      c13 * (x5 + x32) +
      c14 * (x4 + x33);
    out[o + 5] =
      0.5 * buf[b + 39]! +
      c0 * (x19 + x20) +
      c1 * (x18 + x21) +
      c2 * (x17 + x22) +
      c3 * (x16 + x23) +
      c4 * (x15 + x24) +
      c5 * (x14 + x25) +
      c6 * (x13 + x26) +
      c7 * (x12 + x27) +
      c8 * (x11 + x28) +
      c9 * (x10 + x29) +
      c10 * (x9 + x30) +
      c11 * (x8 + x31) +
      c12 * (x7 + x32) +
      c13 * (x6 + x33) +
      c14 * (x5 + x34);
    out[o + 6] =
      0.5 * buf[b + 41]! +
      c0 * (x20 + x21) +
      c1 * (x19 + x22) +
      c2 * (x18 + x23) +
      c3 * (x17 + x24) +
      c4 * (x16 + x25) +
      c5 * (x15 + x26) +
      c6 * (x14 + x27) +
      c7 * (x13 + x28) +
      c8 * (x12 + x29) +
      c9 * (x11 + x30) +
      c10 * (x10 + x31) +
      c11 * (x9 + x32) +
      c12 * (x8 + x33) +
      c13 * (x7 + x34) +
      c14 * (x6 + x35);
    out[o + 7] =
      0.5 * buf[b + 43]! +
      c0 * (x21 + x22) +
      c1 * (x20 + x23) +
      c2 * (x19 + x24) +
      c3 * (x18 + x25) +
      c4 * (x17 + x26) +
      c5 * (x16 + x27) +
      c6 * (x15 + x28) +
      c7 * (x14 + x29) +
      c8 * (x13 + x30) +
      c9 * (x12 + x31) +
      c10 * (x11 + x32) +
      c11 * (x10 + x33) +
      c12 * (x9 + x34) +
      c13 * (x8 + x35) +
      c14 * (x7 + x36);
  }
  decimateRange(c, 15, phase, buf, whole, outFrames, out, outOffset);
  buf.copyWithin(0, 2 * outFrames, 2 * outFrames + 58);
}

function interpolate5(
  c: Float64Array,
  buf: Float64Array,
  frames: number,
  out: Float64Array,
  outOffset: number,
): void {
  const c0 = 2 * c[0]!;
  const c1 = 2 * c[1]!;
  const c2 = 2 * c[2]!;
  const c3 = 2 * c[3]!;
  const c4 = 2 * c[4]!;
  const whole = frames - (frames % 8);
  for (let j = 0; j < whole; j += 8) {
    const x0 = buf[j]!;
    const x1 = buf[j + 1]!;
    const x2 = buf[j + 2]!;
    const x3 = buf[j + 3]!;
    const x4 = buf[j + 4]!;
    const x5 = buf[j + 5]!;
    const x6 = buf[j + 6]!;
    const x7 = buf[j + 7]!;
    const x8 = buf[j + 8]!;
    const x9 = buf[j + 9]!;
    const x10 = buf[j + 10]!;
    const x11 = buf[j + 11]!;
    const x12 = buf[j + 12]!;
    const x13 = buf[j + 13]!;
    const x14 = buf[j + 14]!;
    const x15 = buf[j + 15]!;
    const x16 = buf[j + 16]!;
    const o = outOffset + 2 * j;
    out[o] = c0 * (x4 + x5) + c1 * (x3 + x6) + c2 * (x2 + x7) + c3 * (x1 + x8) + c4 * (x0 + x9);
    out[o + 1] = x5;
    out[o + 2] = c0 * (x5 + x6) + c1 * (x4 + x7) + c2 * (x3 + x8) + c3 * (x2 + x9) + c4 * (x1 + x10);
    out[o + 3] = x6;
    out[o + 4] = c0 * (x6 + x7) + c1 * (x5 + x8) + c2 * (x4 + x9) + c3 * (x3 + x10) + c4 * (x2 + x11);
    out[o + 5] = x7;
    out[o + 6] = c0 * (x7 + x8) + c1 * (x6 + x9) + c2 * (x5 + x10) + c3 * (x4 + x11) + c4 * (x3 + x12);
    out[o + 7] = x8;
    out[o + 8] = c0 * (x8 + x9) + c1 * (x7 + x10) + c2 * (x6 + x11) + c3 * (x5 + x12) + c4 * (x4 + x13);
    out[o + 9] = x9;
    out[o + 10] = c0 * (x9 + x10) + c1 * (x8 + x11) + c2 * (x7 + x12) + c3 * (x6 + x13) + c4 * (x5 + x14);
    out[o + 11] = x10;
    out[o + 12] = c0 * (x10 + x11) + c1 * (x9 + x12) + c2 * (x8 + x13) + c3 * (x7 + x14) + c4 * (x6 + x15);
    out[o + 13] = x11;
    out[o + 14] = c0 * (x11 + x12) + c1 * (x10 + x13) + c2 * (x9 + x14) + c3 * (x8 + x15) + c4 * (x7 + x16);
    out[o + 15] = x12;
  }
  interpolateRange(c, 5, buf, whole, frames, out, outOffset);
  buf.copyWithin(0, frames, frames + 9);
}

function decimate5(
  c: Float64Array,
  phase: number,
  buf: Float64Array,
  outFrames: number,
  out: Float64Array,
  outOffset: number,
): void {
  const c0 = c[0]!;
  const c1 = c[1]!;
  const c2 = c[2]!;
  const c3 = c[3]!;
  const c4 = c[4]!;
  const whole = outFrames - (outFrames % 8);
  for (let m = 0; m < whole; m += 8) {
    const b = 2 * m + phase;
    const x0 = buf[b]!;
    const x1 = buf[b + 2]!;
    const x2 = buf[b + 4]!;
    const x3 = buf[b + 6]!;
    const x4 = buf[b + 8]!;
    const x5 = buf[b + 10]!;
    const x6 = buf[b + 12]!;
    const x7 = buf[b + 14]!;
    const x8 = buf[b + 16]!;
    const x9 = buf[b + 18]!;
    const x10 = buf[b + 20]!;
    const x11 = buf[b + 22]!;
    const x12 = buf[b + 24]!;
    const x13 = buf[b + 26]!;
    const x14 = buf[b + 28]!;
    const x15 = buf[b + 30]!;
    const x16 = buf[b + 32]!;
    const o = outOffset + m;
    out[o] =
      0.5 * buf[b + 9]! + c0 * (x4 + x5) + c1 * (x3 + x6) + c2 * (x2 + x7) + c3 * (x1 + x8) + c4 * (x0 + x9);
    out[o + 1] =
      0.5 * buf[b + 11]! +
      c0 * (x5 + x6) +
      c1 * (x4 + x7) +
      c2 * (x3 + x8) +
      c3 * (x2 + x9) +
      c4 * (x1 + x10);
    out[o + 2] =
      0.5 * buf[b + 13]! +
      c0 * (x6 + x7) +
      c1 * (x5 + x8) +
      c2 * (x4 + x9) +
      c3 * (x3 + x10) +
      c4 * (x2 + x11);
    out[o + 3] =
      0.5 * buf[b + 15]! +
      c0 * (x7 + x8) +
      c1 * (x6 + x9) +
      c2 * (x5 + x10) +
      c3 * (x4 + x11) +
      c4 * (x3 + x12);
    out[o + 4] =
      0.5 * buf[b + 17]! +
      c0 * (x8 + x9) +
      c1 * (x7 + x10) +
      c2 * (x6 + x11) +
      c3 * (x5 + x12) +
      c4 * (x4 + x13);
    out[o + 5] =
      0.5 * buf[b + 19]! +
      c0 * (x9 + x10) +
      c1 * (x8 + x11) +
      c2 * (x7 + x12) +
      c3 * (x6 + x13) +
      c4 * (x5 + x14);
    out[o + 6] =
      0.5 * buf[b + 21]! +
      c0 * (x10 + x11) +
      c1 * (x9 + x12) +
      c2 * (x8 + x13) +
      c3 * (x7 + x14) +
      c4 * (x6 + x15);
    out[o + 7] =
      0.5 * buf[b + 23]! +
      c0 * (x11 + x12) +
      c1 * (x10 + x13) +
      c2 * (x9 + x14) +
      c3 * (x8 + x15) +
      c4 * (x7 + x16);
  }
  decimateRange(c, 5, phase, buf, whole, outFrames, out, outOffset);
  buf.copyWithin(0, 2 * outFrames, 2 * outFrames + 18);
}

function interpolate2(
  c: Float64Array,
  buf: Float64Array,
  frames: number,
  out: Float64Array,
  outOffset: number,
): void {
  const c0 = 2 * c[0]!;
  const c1 = 2 * c[1]!;
  const whole = frames - (frames % 8);
  for (let j = 0; j < whole; j += 8) {
    const x0 = buf[j]!;
    const x1 = buf[j + 1]!;
    const x2 = buf[j + 2]!;
    const x3 = buf[j + 3]!;
    const x4 = buf[j + 4]!;
    const x5 = buf[j + 5]!;
    const x6 = buf[j + 6]!;
    const x7 = buf[j + 7]!;
    const x8 = buf[j + 8]!;
    const x9 = buf[j + 9]!;
    const x10 = buf[j + 10]!;
    const o = outOffset + 2 * j;
    out[o] = c0 * (x1 + x2) + c1 * (x0 + x3);
    out[o + 1] = x2;
    out[o + 2] = c0 * (x2 + x3) + c1 * (x1 + x4);
    out[o + 3] = x3;
    out[o + 4] = c0 * (x3 + x4) + c1 * (x2 + x5);
    out[o + 5] = x4;
    out[o + 6] = c0 * (x4 + x5) + c1 * (x3 + x6);
    out[o + 7] = x5;
    out[o + 8] = c0 * (x5 + x6) + c1 * (x4 + x7);
    out[o + 9] = x6;
    out[o + 10] = c0 * (x6 + x7) + c1 * (x5 + x8);
    out[o + 11] = x7;
    out[o + 12] = c0 * (x7 + x8) + c1 * (x6 + x9);
    out[o + 13] = x8;
    out[o + 14] = c0 * (x8 + x9) + c1 * (x7 + x10);
    out[o + 15] = x9;
  }
  interpolateRange(c, 2, buf, whole, frames, out, outOffset);
  buf.copyWithin(0, frames, frames + 3);
}

function decimate2(
  c: Float64Array,
  phase: number,
  buf: Float64Array,
  outFrames: number,
  out: Float64Array,
  outOffset: number,
): void {
  const c0 = c[0]!;
  const c1 = c[1]!;
  const whole = outFrames - (outFrames % 8);
  for (let m = 0; m < whole; m += 8) {
    const b = 2 * m + phase;
    const x0 = buf[b]!;
    const x1 = buf[b + 2]!;
    const x2 = buf[b + 4]!;
    const x3 = buf[b + 6]!;
    const x4 = buf[b + 8]!;
    const x5 = buf[b + 10]!;
    const x6 = buf[b + 12]!;
    const x7 = buf[b + 14]!;
    const x8 = buf[b + 16]!;
    const x9 = buf[b + 18]!;
    const x10 = buf[b + 20]!;
    const o = outOffset + m;
    out[o] = 0.5 * buf[b + 3]! + c0 * (x1 + x2) + c1 * (x0 + x3);
    out[o + 1] = 0.5 * buf[b + 5]! + c0 * (x2 + x3) + c1 * (x1 + x4);
    out[o + 2] = 0.5 * buf[b + 7]! + c0 * (x3 + x4) + c1 * (x2 + x5);
    out[o + 3] = 0.5 * buf[b + 9]! + c0 * (x4 + x5) + c1 * (x3 + x6);
    out[o + 4] = 0.5 * buf[b + 11]! + c0 * (x5 + x6) + c1 * (x4 + x7);
    out[o + 5] = 0.5 * buf[b + 13]! + c0 * (x6 + x7) + c1 * (x5 + x8);
    out[o + 6] = 0.5 * buf[b + 15]! + c0 * (x7 + x8) + c1 * (x6 + x9);
    out[o + 7] = 0.5 * buf[b + 17]! + c0 * (x8 + x9) + c1 * (x7 + x10);
  }
  decimateRange(c, 2, phase, buf, whole, outFrames, out, outOffset);
  buf.copyWithin(0, 2 * outFrames, 2 * outFrames + 6);
}

/** The filters, decimation phases and latency of a cascade (see HalfBandOversampler). */
export interface HalfBandPlan {
  /** Oversampling factor 2^stages. */
  readonly factor: number;
  /** Odd-tap coefficients of each stage (designHalfBandStage; shared, do not modify). */
  readonly coefficients: readonly Float64Array[];
  /** Coefficient pairs of each stage. */
  readonly pairs: Int32Array;
  /** Decimation phase (0 or 1) of each stage. */
  readonly phases: Int32Array;
  /** Round-trip delay (up, `highRateDelay`, down) in base-rate frames; an integer. */
  readonly latencyFrames: number;
}

/**
 * The plan of a cascade of `stages` (0 .. MAX_OVERSAMPLING_STAGES) whose caller adds
 * `highRateDelay` whole samples at the high rate: the decimator phases absorb that delay so the
 * round trip is a whole number of frames. Shared by HalfBandOversampler and the saturation's
 * WebAssembly kernel. Design time only.
 */
export function halfBandPlan(stages: number, highRateDelay = 0): HalfBandPlan {
  if (!Number.isInteger(stages) || stages < 0 || stages > MAX_OVERSAMPLING_STAGES) {
    throw new RangeError(`invalid oversampling stage count ${stages}`);
  }
  if (!Number.isInteger(highRateDelay) || highRateDelay < 0) {
    throw new RangeError(`invalid high-rate delay ${highRateDelay}`);
  }
  const factor = 1 << stages;
  const coefficients = Array.from({ length: stages }, (_, s) => designHalfBandStage(s));
  const pairs = Int32Array.from(coefficients, (c) => c.length);
  // Delay in base frames with every phase 0: sum of M_s / 2^s, plus the caller's. Its
  // fraction, in binary, says which stages decimate with phase 1 (each removes one input
  // sample: 2^-(s+1)).
  let delay = highRateDelay / factor;
  for (let s = 0; s < stages; s++) delay += (2 * pairs[s]! - 1) / 2 ** s;
  let fraction = delay - Math.floor(delay);
  const phases = new Int32Array(stages);
  for (let s = 0; s < stages; s++) {
    const bit = 2 ** -(s + 1);
    if (fraction >= bit) {
      phases[s] = 1;
      fraction -= bit;
    }
  }
  return { factor, coefficients, pairs, phases, latencyFrames: Math.floor(delay) | 0 };
}

export class HalfBandOversampler {
  readonly stages: number;
  /** Oversampling factor 2^stages. */
  readonly factor: number;
  /** Round-trip delay (up, the caller's `highRateDelay`, down) in base-rate frames; an integer. */
  readonly latencyFrames: number;
  /**
   * The oversampled block after `up`: samples `highOffset .. highOffset + frames * factor - 1`.
   * Process them in place, then call `down`.
   */
  readonly high: Float64Array;
  readonly highOffset: number;
  /** Where the caller writes the base-rate block before `up` (`high` itself without stages). */
  readonly input: Float64Array;
  readonly inputOffset: number;
  private readonly coefficients: readonly Float64Array[];
  private readonly pairs: Int32Array;
  private readonly phases: Int32Array;
  /** Interpolator input buffers, stage s at rate fs * 2^s (history first). */
  private readonly upBuffers: Float64Array[];
  /** Decimator input buffers, stage s at rate fs * 2^(s+1) (history first); the last is `high`. */
  private readonly downBuffers: Float64Array[];

  /**
   * `stages` 0 .. MAX_OVERSAMPLING_STAGES (0: no oversampling, `high` is the block itself).
   * `highRateDelay`: whole samples of delay the caller's processing of `high` adds; the
   * decimator phases absorb it so `latencyFrames` stays whole.
   */
  constructor(stages: number, maxBlockFrames: number, highRateDelay = 0) {
    const plan = halfBandPlan(stages, highRateDelay);
    this.stages = stages;
    this.factor = plan.factor;
    this.coefficients = plan.coefficients;
    this.pairs = plan.pairs;
    this.phases = plan.phases;
    this.latencyFrames = plan.latencyFrames;
    this.upBuffers = Array.from(
      { length: stages },
      (_, s) => new Float64Array(2 * this.pairs[s]! - 1 + maxBlockFrames * 2 ** s),
    );
    this.downBuffers = Array.from(
      { length: stages },
      (_, s) => new Float64Array(2 * (2 * this.pairs[s]! - 1) + maxBlockFrames * 2 ** (s + 1)),
    );
    if (stages === 0) {
      this.high = new Float64Array(maxBlockFrames);
      this.highOffset = 0;
      this.input = this.high;
      this.inputOffset = 0;
    } else {
      this.high = this.downBuffers[stages - 1]!;
      this.highOffset = 2 * (2 * this.pairs[stages - 1]! - 1);
      this.input = this.upBuffers[0]!;
      this.inputOffset = 2 * this.pairs[0]! - 1;
    }
  }

  /**
   * Base-rate block, written by the caller into `input[inputOffset .. inputOffset + frames)`,
   * -> `high`. Audio thread: allocates nothing.
   */
  up(frames: number): void {
    const stages = this.stages;
    let n = frames;
    for (let s = 0; s < stages; s++) {
      const last = s === stages - 1;
      const out = last ? this.high : this.upBuffers[s + 1]!;
      const outOffset = last ? this.highOffset : 2 * this.pairs[s + 1]! - 1;
      const c = this.coefficients[s]!;
      const buf = this.upBuffers[s]!;
      switch (this.pairs[s]) {
        case 2:
          interpolate2(c, buf, n, out, outOffset);
          break;
        case 5:
          interpolate5(c, buf, n, out, outOffset);
          break;
        case 15:
          interpolate15(c, buf, n, out, outOffset);
          break;
        default:
          interpolate(c, this.pairs[s]!, buf, n, out, outOffset);
      }
      n *= 2;
    }
  }

  /**
   * `high` (frames * factor samples) -> base-rate `output[outputOffset .. outputOffset + frames)`.
   * Audio thread: allocates nothing.
   */
  down(output: Float64Array, frames: number, outputOffset = 0): void {
    const stages = this.stages;
    if (stages === 0) {
      const high = this.high;
      for (let i = 0; i < frames; i++) output[outputOffset + i] = high[i]!;
      return;
    }
    let n = frames * this.factor;
    for (let s = stages - 1; s >= 0; s--) {
      n >>= 1;
      const out = s === 0 ? output : this.downBuffers[s - 1]!;
      const outOffset = s === 0 ? outputOffset : 2 * (2 * this.pairs[s - 1]! - 1);
      const c = this.coefficients[s]!;
      const phase = this.phases[s]!;
      const buf = this.downBuffers[s]!;
      switch (this.pairs[s]) {
        case 2:
          decimate2(c, phase, buf, n, out, outOffset);
          break;
        case 5:
          decimate5(c, phase, buf, n, out, outOffset);
          break;
        case 15:
          decimate15(c, phase, buf, n, out, outOffset);
          break;
        default:
          decimate(c, this.pairs[s]!, phase, buf, n, out, outOffset);
      }
    }
  }

  /** Clears the filter histories. Allocates nothing. */
  reset(): void {
    for (let s = 0; s < this.stages; s++) {
      this.upBuffers[s]!.fill(0);
      this.downBuffers[s]!.fill(0);
    }
    this.high.fill(0);
  }
}

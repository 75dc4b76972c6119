import type FFT from 'fft.js';
import { LatheError } from '../engine/index.ts';
import type { SampleArray } from './sample-array.ts';
import { arrivalTime, peakIndex } from './arrival-time.ts';
import type { SweepParameters } from './exponential-sweep.ts';
import { fftOfSize, nextPowerOfTwo } from './power-spectrum.ts';

export interface SweepDeconvolutionInput {
  /** The sweep as played, at `sweepParameters.sampleRate`. */
  readonly sweep: SampleArray;
  /** The microphone channel, recorded from the moment the sweep's first sample was played. */
  readonly recording: SampleArray;
  /**
   * The loopback channel (output wired to input, recorded alongside): when given, the impulse is
   * the recording divided by it, so the converters' latency and response drop out and t = 0 is
   * the loopback's arrival.
   */
  readonly loopback?: SampleArray;
  readonly sweepParameters: SweepParameters;
  /** Highest harmonic separated (2 to 9). Default 5. */
  readonly highestHarmonic?: number;
  /**
   * Floor of the sweep's inversion relative to an ideal exponential sweep's spectrum at the same
   * frequency (held at the band edges beyond the swept range). Inside the swept band the sweep's
   * spectrum stays far above it, so the division there is exact; outside, the gain is limited
   * instead of amplifying noise. Default 0.1 (-20 dB).
   */
  readonly sweepFloor?: number;
  /** DRC's mingain: the loopback's inversion is limited to this fraction of its in-band peak. Default 0.1 (-20 dB). */
  readonly loopbackMinGain?: number;
}

/** The low cut applied below the swept band: an 8th-order Butterworth high-pass at 1.4 x the sweep's start. */
export const LOW_CUT_ORDER = 8;
export const LOW_CUT_RATIO = 1.4;

/**
 * Power gain |H(f)|^2 of the deconvolution's low cut (Butterworth high-pass of LOW_CUT_ORDER at
 * `lowCutHz`): 1 / (1 + (fc/f)^2n). The response computation divides it back out.
 */
export function lowCutPower(lowCutHz: number, hz: number): number {
  return hz > 0 ? 1 / (1 + (lowCutHz / hz) ** (2 * LOW_CUT_ORDER)) : 0;
}

/** One harmonic's impulse response, cut from the negative-time part of the deconvolution. */
export interface HarmonicImpulse {
  /** 2 for the second harmonic, and so on. */
  readonly order: number;
  /**
   * Its impulse response, scaled like the linear one: a harmonic of amplitude a times the sweep's
   * amplitude reads a. The spectrum at frequency f is the distortion at f produced while the
   * sweep played f / order.
   */
  readonly impulse: Float64Array;
  /** Where the harmonic's t = 0 (the linear peak moved L ln k earlier) sits in `impulse`, samples. */
  readonly zeroIndex: number;
}

export interface SweepDeconvolution {
  /**
   * The linear impulse response, sample 0 at the timing reference: the sweep's first sample as
   * played (no loopback) or the loopback's arrival. Long enough to cover the recording, and
   * short of where the second harmonic's wrapped response begins. Harmonic k lies L ln k before
   * the peak: when the peak comes later than that (long latency, short sweep) it sits in this
   * array ahead of the peak, where windows around the peak must stop short of it.
   */
  readonly linear: Float64Array;
  /** Index of the largest |h| in `linear`. */
  readonly peakIndex: number;
  readonly harmonics: readonly HarmonicImpulse[];
  /** The loopback's own arrival after the sweep's start (the system latency), samples; null without loopback. */
  readonly loopbackDelaySamples: number | null;
  /** Corner of the low cut the impulse carries (see lowCutPower), Hz. */
  readonly lowCutHz: number;
  /**
   * The band the sweep (and the loopback, when given) excited strongly enough for an exact
   * division, Hz: outside it the regularisation shapes the result. Contiguous around the sweep's
   * middle, 1/48 octave inside the first bins that fall short.
   */
  readonly measuredBandHz: readonly [number, number];
  readonly fftSize: number;
}

/**
 * Impulse response from a swept-sine recording. The recording (and the loopback) are divided by
 * the sweep's exact spectrum (regularised outside the swept band), in one FFT of a power-of-two
 * size large enough that the harmonics, which an exponential sweep sends to negative times
 * (harmonic k at -L ln k), wrap to the end of the buffer without touching the linear response.
 * Dividing by the sweep's own spectrum, rather than convolving with Farina's analytic inverse,
 * leaves no band-edge ripple from the fades.
 *
 * Below the swept band nothing is measured, and the regularised division turns there within a
 * few hertz: a zero-phase step whose long ringing, cut by the IR windows, would leak up to
 * 0.3 dB into 20-40 Hz. So the result passes a causal (minimum-phase) 8th-order Butterworth
 * high-pass at 1.4 x the sweep's start (14 Hz for the default 10 Hz start): 27 dB down where the
 * division turns, -0.014 dB at twice the start, and responseFromImpulse divides its magnitude
 * back out, so the measured magnitude is exact down to about the sweep's start.
 */
export function deconvolveSweep(input: SweepDeconvolutionInput): SweepDeconvolution {
  const { sweep, recording, loopback, sweepParameters } = input;
  const { sampleRate, startHz, endHz, rateSeconds } = sweepParameters;
  const highest = input.highestHarmonic ?? 5;
  const sweepFloor = input.sweepFloor ?? 0.1;
  const minGain = input.loopbackMinGain ?? 0.1;
  if (!Number.isInteger(highest) || highest < 2 || highest > 9)
    invalid(`highest harmonic must be 2 to 9, got ${highest}`);
  if (!(sweepFloor > 0) || !(minGain > 0)) invalid('inversion floors must be positive');
  if (sweep.length === 0 || recording.length === 0) invalid('the sweep and the recording must not be empty');
  if (loopback !== undefined && loopback.length !== recording.length) {
    invalid(
      `the loopback has ${loopback.length} samples, the recording ${recording.length}: they must be recorded together`,
    );
  }

  const leadOf = (order: number): number => rateSeconds * Math.log(order) * sampleRate;
  // Samples kept ahead of each harmonic's t = 0 for its pre-ringing.
  const preRoll = Math.max(
    1,
    Math.min(Math.round(0.005 * sampleRate), Math.floor(0.25 * (leadOf(highest) - leadOf(highest - 1)))),
  );
  const size = nextPowerOfTwo(
    Math.max(recording.length, sweep.length) + Math.ceil(leadOf(highest)) + 2 * preRoll,
  );
  const fft = fftOfSize(size);
  const half = size / 2;

  const padded = new Float64Array(size);
  const sweepSpectrum = realSpectrum(fft, sweep, padded);
  const spectrum = realSpectrum(fft, recording, padded);
  const floorSquared = sweepFloorSquared(sweepSpectrum, size, sampleRate, startHz, endHz, sweepFloor);
  const binHz = sampleRate / size;
  const excited = new Uint8Array(half + 1);
  for (let k = 0; k <= half; k++) {
    excited[k] = sweepSpectrum[2 * k]! ** 2 + sweepSpectrum[2 * k + 1]! ** 2 >= floorSquared[k]! ? 1 : 0;
  }
  divideBySweep(spectrum, sweepSpectrum, floorSquared, half);

  let loopbackDelaySamples: number | null = null;
  if (loopback !== undefined) {
    const reference = realSpectrum(fft, loopback, padded);
    divideBySweep(reference, sweepSpectrum, floorSquared, half);
    let peak = 0;
    for (let k = Math.ceil(startHz / binHz); k <= Math.min(half, Math.floor(endHz / binHz)); k++) {
      peak = Math.max(peak, Math.hypot(reference[2 * k]!, reference[2 * k + 1]!));
    }
    if (!(peak > 0))
      throw new LatheError('LATHE_CALIBRATION_RECORDING_SILENT', 'the loopback channel holds no sweep');
    const referenceImpulse = inverseReal(fft, reference, new Float64Array(2 * size));
    const search = Math.min(size, loopback.length);
    loopbackDelaySamples = arrivalTime(referenceImpulse.subarray(0, search));
    const referenceFloor = (minGain * peak) ** 2;
    for (let k = 0; k <= half; k++) {
      if (reference[2 * k]! ** 2 + reference[2 * k + 1]! ** 2 < referenceFloor) excited[k] = 0;
    }
    divideByReference(spectrum, reference, referenceFloor, half);
  }
  const measuredBandHz = contiguousBand(excited, Math.round(Math.sqrt(startHz * endHz) / binHz), binHz);

  const lowCutHz = LOW_CUT_RATIO * startHz;
  applyLowCut(spectrum, half, sampleRate / size, lowCutHz);
  // The sweep's spectrum is spent: its buffer takes the inverse transform.
  const impulse = inverseReal(fft, spectrum, sweepSpectrum);
  const linearLength = Math.max(1, Math.min(recording.length, size - Math.ceil(leadOf(2)) - 2 * preRoll));
  // A copy, so the caller does not keep the whole transform buffer alive.
  const linear = impulse.slice(0, linearLength);
  const peak = peakIndex(linear);
  const harmonics: HarmonicImpulse[] = [];
  for (let order = 2; order <= highest; order++) {
    const zero = peak - leadOf(order);
    const start = Math.round(zero) - preRoll;
    const length = Math.max(1, Math.floor(leadOf(order) - leadOf(order - 1)));
    const samples = new Float64Array(length);
    for (let i = 0; i < length; i++) samples[i] = impulse[(((start + i) % size) + size) % size]!;
    harmonics.push({ order, impulse: samples, zeroIndex: zero - start });
  }
  return {
    linear,
    peakIndex: peak,
    harmonics,
    loopbackDelaySamples,
    lowCutHz,
    measuredBandHz,
    fftSize: size,
  };
}

/**
 * The real signal's spectrum, bins 0 .. size/2 as interleaved re, im (the upper half unused),
 * the samples zero-padded in `input` (size long, reused between calls).
 */
function realSpectrum(fft: FFT, samples: SampleArray, input: Float64Array): Float64Array {
  for (let i = 0; i < samples.length; i++) input[i] = samples[i]!;
  input.fill(0, samples.length);
  const spectrum = new Float64Array(2 * input.length);
  fft.realTransform(spectrum, input);
  return spectrum;
}

/**
 * Inverse of a real signal's half spectrum (bins 0 .. size/2), through `work` (2 x size long);
 * fft.js's inverse includes the 1/size. Returns the real part, packed into `work`'s first half.
 */
function inverseReal(fft: FFT, spectrum: Float64Array, work: Float64Array): Float64Array {
  const size = spectrum.length / 2;
  for (let k = 1; k < size / 2; k++) {
    spectrum[2 * (size - k)] = spectrum[2 * k]!;
    spectrum[2 * (size - k) + 1] = -spectrum[2 * k + 1]!;
  }
  fft.inverseTransform(work, spectrum);
  for (let i = 0; i < size; i++) work[i] = work[2 * i]!;
  return work.subarray(0, size);
}

/**
 * Per-bin floor for |S|^2: (floor x an ideal sweep's magnitude)^2. An exponential sweep's
 * magnitude falls as 1/sqrt(f) (pink); its scale is read from the sweep itself (the median of
 * |S| sqrt(f) over the middle of the band), and beyond the swept band the edge value holds.
 */
function sweepFloorSquared(
  sweepSpectrum: Float64Array,
  size: number,
  sampleRate: number,
  startHz: number,
  endHz: number,
  floor: number,
): Float64Array {
  const binHz = sampleRate / size;
  const half = size / 2;
  const octaveAbove = Math.min(2 * startHz, Math.sqrt(startHz * endHz));
  const octaveBelow = Math.max(endHz / 2, Math.sqrt(startHz * endHz));
  const from = Math.max(1, Math.ceil(octaveAbove / binHz));
  const to = Math.min(half, Math.floor(octaveBelow / binHz));
  if (!(to > from))
    invalid(`the sweep's band ${startHz.toFixed(1)}-${endHz.toFixed(1)} Hz is too narrow to measure`);
  // A median over at most 65536 bins is plenty and keeps a 2^20-point sweep cheap.
  const stride = Math.max(1, Math.floor((to - from) / 65536));
  const scaled = new Float64Array(Math.floor((to - from) / stride) + 1);
  for (let i = 0; i < scaled.length; i++) {
    const k = from + i * stride;
    const re = sweepSpectrum[2 * k]!;
    const im = sweepSpectrum[2 * k + 1]!;
    scaled[i] = (re * re + im * im) * k * binHz;
  }
  scaled.sort();
  const floorTimesF = floor * floor * scaled[scaled.length >> 1]!;
  const floorSquared = new Float64Array(half + 1);
  for (let k = 0; k <= half; k++)
    floorSquared[k] = floorTimesF / Math.min(endHz, Math.max(startHz, k * binHz));
  return floorSquared;
}

/** The run of set flags around bin `centre`, as frequencies 1/48 octave inside its ends. */
function contiguousBand(flags: Uint8Array, centre: number, binHz: number): [number, number] {
  let low = Math.min(Math.max(centre, 0), flags.length - 1);
  let high = low;
  while (low > 0 && flags[low - 1] === 1) low--;
  while (high < flags.length - 1 && flags[high + 1] === 1) high++;
  const margin = 2 ** (1 / 48);
  return [low * binHz * margin, (high * binHz) / margin];
}

/** spectrum <- spectrum conj(S) / max(|S|^2, floor), bins 0 .. half. */
function divideBySweep(
  spectrum: Float64Array,
  sweep: Float64Array,
  floorSquared: Float64Array,
  half: number,
): void {
  for (let k = 0; k <= half; k++) {
    const sr = sweep[2 * k]!;
    const si = sweep[2 * k + 1]!;
    const denominator = Math.max(sr * sr + si * si, floorSquared[k]!);
    const yr = spectrum[2 * k]!;
    const yi = spectrum[2 * k + 1]!;
    spectrum[2 * k] = (yr * sr + yi * si) / denominator;
    spectrum[2 * k + 1] = (yi * sr - yr * si) / denominator;
  }
}

/** spectrum <- spectrum conj(R) / max(|R|^2, floor), bins 0 .. half. */
function divideByReference(
  spectrum: Float64Array,
  reference: Float64Array,
  floor: number,
  half: number,
): void {
  for (let k = 0; k <= half; k++) {
    const rr = reference[2 * k]!;
    const ri = reference[2 * k + 1]!;
    const denominator = Math.max(rr * rr + ri * ri, floor);
    const yr = spectrum[2 * k]!;
    const yi = spectrum[2 * k + 1]!;
    spectrum[2 * k] = (yr * rr + yi * ri) / denominator;
    spectrum[2 * k + 1] = (yi * rr - yr * ri) / denominator;
  }
}

/**
 * spectrum <- spectrum H(f), H the analog Butterworth high-pass s^n / prod(s - p_k) (poles on the
 * left half of the circle of radius wc) at s = j 2 pi f: minimum phase, so its impulse response
 * is causal and decays within a few periods of the corner.
 */
function applyLowCut(spectrum: Float64Array, half: number, binHz: number, cornerHz: number): void {
  // Conjugate pole pairs p, p*: (j w)^2 / ((j w - p)(j w - p*)) = -w^2 / (1 - w^2 - 2 j w Re p).
  const twiceRe: number[] = [];
  for (let k = 0; k < LOW_CUT_ORDER / 2; k++) {
    twiceRe.push(2 * Math.cos(Math.PI / 2 + ((2 * k + 1) * Math.PI) / (2 * LOW_CUT_ORDER)));
  }
  for (let k = 0; k <= half; k++) {
    // In units of the corner: s = j f / fc.
    const w = (k * binHz) / cornerHz;
    const w2 = w * w;
    let re = 1;
    let im = 0;
    for (const a of twiceRe) {
      const dr = 1 - w2;
      const di = -w * a;
      const scale = -w2 / (dr * dr + di * di);
      const fr = dr * scale;
      const fi = -di * scale;
      const nextRe = re * fr - im * fi;
      im = re * fi + im * fr;
      re = nextRe;
    }
    const yr = spectrum[2 * k]!;
    const yi = spectrum[2 * k + 1]!;
    spectrum[2 * k] = yr * re - yi * im;
    spectrum[2 * k + 1] = yr * im + yi * re;
  }
}

function invalid(message: string): never {
  throw new LatheError('LATHE_CALIBRATION_INPUT_INVALID', message);
}

import { LatheError } from '../engine/index.ts';
import type { SampleArray } from './sample-array.ts';

export interface ExponentialSweepOptions {
  readonly sampleRate: number;
  /** Length of the sweep in seconds (the fades are inside it). */
  readonly seconds: number;
  /** Lowest frequency that must be measured accurately, Hz. Default 20. */
  readonly startHz?: number;
  /** Highest frequency that must be measured accurately, Hz. Default 20000. */
  readonly endHz?: number;
  /**
   * Level as the RMS of the (unfaded) sine, dB re full scale: -3.01 dB puts the sine's peaks at
   * full scale, the most allowed. Default -12 (REW's default).
   */
  readonly levelDbfs?: number;
  /**
   * Sweep from startHz/2 to 2 x endHz (capped at Nyquist) as REW does, so the fades and the
   * sweep's band-edge ripple fall outside the asked range. Default true; false sweeps exactly
   * startHz..endHz, with the fades inside it.
   */
  readonly extendRange?: boolean;
  /** Half-Hann fade-in, seconds. Default: the time the sweep takes over its first half octave. */
  readonly fadeInSeconds?: number;
  /** Half-Hann fade-out, seconds. Default: the time the sweep takes over its last 1/12 octave. */
  readonly fadeOutSeconds?: number;
}

/** What analysis needs to know about an exponential sweep (from the generator or estimated). */
export interface SweepParameters {
  readonly sampleRate: number;
  /** Instantaneous frequency at the sweep's first sample, Hz. */
  readonly startHz: number;
  /** Instantaneous frequency one sample past the sweep's end, Hz. */
  readonly endHz: number;
  /**
   * Farina's rate constant L = T / ln(endHz / startHz), seconds: the sweep's frequency grows by
   * a factor e every L seconds, and harmonic k deconvolves L ln k before the linear response.
   */
  readonly rateSeconds: number;
}

export interface ExponentialSweep extends SweepParameters {
  readonly samples: Float64Array;
  /** Peak amplitude of the sine, linear (sqrt 2 times the RMS level). */
  readonly amplitude: number;
  readonly levelDbfs: number;
  /** The range the caller asked to measure (the sweep covers at least this). */
  readonly requestedStartHz: number;
  readonly requestedEndHz: number;
  readonly fadeInSeconds: number;
  readonly fadeOutSeconds: number;
}

/** Loudest level with the sine's peaks inside full scale: 20 log10(1 / sqrt 2). */
const MAX_LEVEL_DBFS = -10 * Math.log10(2);

/**
 * Farina's exponential sine sweep: x(t) = A sin(2 pi f1 L (e^(t/L) - 1)), L = T / ln(f2/f1), so
 * each octave takes the same time and the power spectrum falls 3 dB per octave (pink). Half-Hann
 * fades at both ends keep the start and stop from clicking.
 */
export function generateExponentialSweep(options: ExponentialSweepOptions): ExponentialSweep {
  const { sampleRate, seconds } = options;
  const requestedStartHz = options.startHz ?? 20;
  const requestedEndHz = options.endHz ?? 20000;
  const levelDbfs = options.levelDbfs ?? -12;
  const nyquist = sampleRate / 2;
  if (!(sampleRate > 0) || !Number.isFinite(sampleRate))
    invalid(`sample rate must be positive, got ${sampleRate}`);
  if (!(seconds > 0) || !Number.isFinite(seconds)) invalid(`sweep length must be positive, got ${seconds} s`);
  if (!(requestedStartHz > 0) || !(requestedEndHz > requestedStartHz) || requestedEndHz > nyquist) {
    invalid(
      `sweep range must satisfy 0 < start < end <= ${nyquist} Hz, got ${requestedStartHz}-${requestedEndHz} Hz`,
    );
  }
  if (!(levelDbfs <= MAX_LEVEL_DBFS + 1e-9)) {
    invalid(`sweep level ${levelDbfs} dBFS RMS would clip: at most ${MAX_LEVEL_DBFS.toFixed(2)} dBFS`);
  }
  const extend = options.extendRange ?? true;
  const startHz = extend ? requestedStartHz / 2 : requestedStartHz;
  const endHz = extend ? Math.min(2 * requestedEndHz, nyquist) : requestedEndHz;
  const length = Math.round(seconds * sampleRate);
  if (length < 16) invalid(`sweep of ${length} samples is too short`);
  const rateSeconds = length / sampleRate / Math.log(endHz / startHz);
  const fadeInSeconds = options.fadeInSeconds ?? rateSeconds * Math.log(Math.SQRT2);
  const fadeOutSeconds = options.fadeOutSeconds ?? rateSeconds * Math.log(2 ** (1 / 12));
  if (
    !(fadeInSeconds >= 0) ||
    !(fadeOutSeconds >= 0) ||
    fadeInSeconds + fadeOutSeconds > length / sampleRate
  ) {
    invalid(`fades of ${fadeInSeconds} s and ${fadeOutSeconds} s do not fit a ${seconds} s sweep`);
  }
  const amplitude = Math.SQRT2 * 10 ** (levelDbfs / 20);
  const samples = new Float64Array(length);
  const phaseScale = 2 * Math.PI * startHz * rateSeconds;
  for (let n = 0; n < length; n++) {
    samples[n] = amplitude * Math.sin(phaseScale * Math.expm1(n / sampleRate / rateSeconds));
  }
  applyFades(samples, Math.round(fadeInSeconds * sampleRate), Math.round(fadeOutSeconds * sampleRate));
  return {
    samples,
    sampleRate,
    startHz,
    endHz,
    rateSeconds,
    amplitude,
    levelDbfs,
    requestedStartHz,
    requestedEndHz,
    fadeInSeconds,
    fadeOutSeconds,
  };
}

/**
 * Farina's inverse filter: the sweep reversed in time with an envelope falling 6 dB per octave
 * of sweep (e^(-t/L)), which turns its pink spectrum white. Scaled so that the sweep convolved
 * with it is a unit impulse at sample (length - 1), in band: by stationary phase the sweep's
 * spectrum is |X(f)| = fs (A/2) sqrt(L/f) per DFT bin, and the weighted reverse's is that times
 * c f / f_last, so c = 4 f_last / (fs^2 A^2 L) with f_last the frequency at the last sample.
 * The fades and the band edges are not inverted: deconvolveSweep divides by the sweep's exact
 * spectrum instead; this filter is for convolution-style tools and checks.
 */
export function exponentialSweepInverse(sweep: ExponentialSweep): Float64Array {
  const { samples, sampleRate, rateSeconds, amplitude, startHz } = sweep;
  const length = samples.length;
  const lastHz = startHz * Math.exp((length - 1) / sampleRate / rateSeconds);
  const scale = (4 * lastHz) / (sampleRate * sampleRate * amplitude * amplitude * rateSeconds);
  const inverse = new Float64Array(length);
  for (let n = 0; n < length; n++) {
    inverse[n] = samples[length - 1 - n]! * Math.exp(-n / sampleRate / rateSeconds) * scale;
  }
  return inverse;
}

/** How far before the linear impulse harmonic `order` lands after deconvolution: L ln k seconds. */
export function harmonicLeadSeconds(rateSeconds: number, order: number): number {
  return rateSeconds * Math.log(order);
}

/**
 * The parameters of an exponential sweep read back from its samples (a sweep file made by any
 * tool): instantaneous frequencies from the spacing of rising zero crossings, fitted as
 * ln f = ln f1 + t / L by least squares over the part of the sweep at full amplitude (fades and
 * any silence before or after are skipped). Crossings above fs/8 are left out: too few samples
 * per cycle to time them well.
 */
export function estimateSweepParameters(samples: SampleArray, sampleRate: number): SweepParameters {
  let peak = 0;
  for (const x of samples) peak = Math.max(peak, Math.abs(x));
  if (!(peak > 0)) invalid('the sweep is silent');
  // The sweep proper: from the first to the last sample above -80 dB re its peak (clear of
  // 16-bit dither, early in the fades).
  let first = 0;
  while (Math.abs(samples[first]!) < 1e-4 * peak) first++;
  let last = samples.length - 1;
  while (Math.abs(samples[last]!) < 1e-4 * peak) last--;

  const crossings: number[] = [];
  const heights: number[] = [];
  for (let i = first + 1; i <= last; i++) {
    const a = samples[i - 1]!;
    const b = samples[i]!;
    if (a < 0 && b >= 0) {
      crossings.push(i - 1 + a / (a - b));
      heights.push(0);
    }
  }
  // Each cycle's height (its largest sample) tells whether it lies inside a fade.
  for (let c = 0; c + 1 < crossings.length; c++) {
    let top = 0;
    for (let i = Math.ceil(crossings[c]!); i <= Math.floor(crossings[c + 1]!); i++)
      top = Math.max(top, samples[i]!);
    heights[c] = top;
  }
  let sumT = 0;
  let sumY = 0;
  let sumTT = 0;
  let sumTY = 0;
  let count = 0;
  for (let c = 0; c + 1 < crossings.length; c++) {
    const period = crossings[c + 1]! - crossings[c]!;
    if (period < 8 || heights[c]! < 0.9 * peak) continue;
    const t = (crossings[c]! + crossings[c + 1]!) / 2 / sampleRate;
    const y = Math.log(sampleRate / period);
    sumT += t;
    sumY += y;
    sumTT += t * t;
    sumTY += t * y;
    count++;
  }
  const denominator = count * sumTT - sumT * sumT;
  if (count < 8 || !(denominator > 0)) invalid('the sweep file does not look like an exponential sweep');
  const slope = (count * sumTY - sumT * sumY) / denominator;
  const intercept = (sumY - slope * sumT) / count;
  if (!(slope > 0)) invalid('the sweep file does not rise in frequency');
  return {
    sampleRate,
    startHz: Math.exp(intercept + (slope * first) / sampleRate),
    endHz: Math.exp(intercept + (slope * (last + 1)) / sampleRate),
    rateSeconds: 1 / slope,
  };
}

function applyFades(samples: Float64Array, fadeIn: number, fadeOut: number): void {
  const length = samples.length;
  for (let n = 0; n < fadeIn; n++) samples[n]! *= 0.5 - 0.5 * Math.cos((Math.PI * n) / fadeIn);
  for (let n = 0; n < fadeOut; n++) samples[length - 1 - n]! *= 0.5 - 0.5 * Math.cos((Math.PI * n) / fadeOut);
}

function invalid(message: string): never {
  throw new LatheError('LATHE_CALIBRATION_INPUT_INVALID', message);
}

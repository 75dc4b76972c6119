/**
 * Interpolation filter of the true-peak meter (ITU-R BS.1770-5 Annex 2): a polyphase
 * Kaiser-windowed sinc, designed per oversampling factor at construction time (never on the audio
 * thread).
 *
 * Design. The oversampling factor is L = ceil(192000 / sampleRate) so that the interpolated grid is
 * at least 192 kHz (44.1 k -> 5, 48 k -> 4, 69.313 k -> 3, 96 k -> 2, >= 192 k -> 1 = sample peak).
 * Phase p (1 <= p < L) interpolates the point p/L of a sample period after a centre sample from
 * TAPS_PER_PHASE input samples, with weights sinc(t) * kaiser(t) at the taps' distances t. The
 * sinc's cutoff is exactly the input Nyquist frequency, so the interpolated curve passes through
 * the samples: phase 0 would be a pure delay and is not computed, the sample peak stands for it.
 * Each phase is normalised to unit DC gain, so a constant reads exactly its level on every phase.
 *
 * Why 32 taps per phase and beta 4.5: the transition band must sit between 0.45 fs (highest
 * programme frequency we promise to read) and 0.55 fs (its image), centred on Nyquist. The
 * 12-tap Hann design of libebur128 / the BS.1770 example is -1.4 dB (d = 1/4) to -3.7 dB
 * (d = 1/2) at 0.45 fs; 24 taps need beta <= 3.5 to stay flat there, which costs 0.1 dB of
 * ripple lower down. Measured for this design (tests/engine/true-peak.test.ts prints them):
 * - pass-band ripple 0 .. 0.4 fs: within +-0.04 dB on every phase (L = 2 .. 5);
 * - at 0.45 fs: |H_p - 1| <= 0.005 (<= 0.05 dB amplitude error, phase error included);
 * - at 0.5 fs: the band edge. |H_p| = -3.0 dB (L = 4, d = 1/4, 3/4), -1.8 / -10.2 dB (L = 5),
 *   -6.0 dB (L = 3), and a null at d = 1/2 (L = 2, 4): an exact Nyquist tone cos(pi n + phi) has
 *   no unique band-limited interpolation, so it reads its sample peak, |cos(phi)| of amplitude.
 * Grid error on top of the filter: an isolated crest midway between two interpolated points is
 * under-read by 20 log10(cos(pi f / (fs L))): at f = 0.45 fs, L = 4 (and L = 2 at 96 k)
 * -0.554 dB, L = 5 -0.355 dB, L = 3 -0.985 dB; at 0.5 fs, L = 4 -0.688 dB. Tech 3341 allows
 * -0.4 dB for this reason; at odd rates with L = 3 (e.g. 69.313 kHz) case 16 reads -6.32 dBTP.
 * Stationary tones are read far better: their crests land at many grid offsets (a 0.45 fs sine
 * has crests every 1/9 of a sample period). Measured at 48 kHz over 64 starting phases, a 0 dBFS
 * 0.45 fs sine reads 0.000 .. +0.044 dBTP (sample peak down to -0.108 dBFS).
 */

import { besselI0 } from '../dsp/kaiser-window.ts';

/** Kaiser beta of the window; see the design note above. */
export const TRUE_PEAK_KAISER_BETA = 4.5;
/** Input samples per interpolated point (even: as many taps on each side of the gap). */
export const TRUE_PEAK_TAPS_PER_PHASE = 32;
/** Interpolated grid rate the factor is chosen for (BS.1770 Annex 2: 4 x 48 kHz). */
export const TRUE_PEAK_TARGET_RATE = 192_000;

export interface TruePeakFilter {
  /** Oversampling factor L; 1 means no interpolation (true peak = sample peak). */
  readonly factor: number;
  /** Taps per computed phase (0 when factor is 1). */
  readonly tapsPerPhase: number;
  /**
   * Phases 1 .. L-1, each `tapsPerPhase` weights applied to the input window oldest first;
   * the point is interpolated p/L of a period after window[tapsPerPhase / 2 - 1].
   */
  readonly coefficients: Float64Array;
}

export function oversamplingFactor(sampleRate: number): number {
  if (!(sampleRate > 0)) throw new RangeError(`invalid sample rate ${sampleRate}`);
  return Math.max(1, Math.ceil(TRUE_PEAK_TARGET_RATE / sampleRate));
}

export function designTruePeakFilter(
  sampleRate: number,
  tapsPerPhase: number = TRUE_PEAK_TAPS_PER_PHASE,
  beta: number = TRUE_PEAK_KAISER_BETA,
): TruePeakFilter {
  const factor = oversamplingFactor(sampleRate);
  if (factor === 1) return { factor, tapsPerPhase: 0, coefficients: new Float64Array(0) };
  if (tapsPerPhase < 2 || tapsPerPhase % 2 !== 0) throw new RangeError('tapsPerPhase must be even');
  const half = tapsPerPhase / 2;
  const coefficients = new Float64Array((factor - 1) * tapsPerPhase);
  const i0Beta = besselI0(beta);
  for (let p = 1; p < factor; p++) {
    const offset = p / factor;
    const base = (p - 1) * tapsPerPhase;
    let sum = 0;
    for (let j = 0; j < tapsPerPhase; j++) {
      // Distance in input periods from tap j to the interpolated point; |t| < half always.
      const t = offset - (j - (half - 1));
      const x = Math.PI * t;
      const r = t / half;
      const weight = ((Math.sin(x) / x) * besselI0(beta * Math.sqrt(1 - r * r))) / i0Beta;
      coefficients[base + j] = weight;
      sum += weight;
    }
    for (let j = 0; j < tapsPerPhase; j++) coefficients[base + j]! /= sum;
  }
  return { factor, tapsPerPhase, coefficients };
}

/**
 * Complex response of phase p (1 .. L-1) to a tone at `frequency` cycles per input sample,
 * relative to the ideal band-limited value at the interpolated point: [magnitude, phase rad].
 * For documentation and tests; 1 / 0 is perfect.
 */
export function phaseResponse(filter: TruePeakFilter, phase: number, frequency: number): [number, number] {
  const { tapsPerPhase: taps, factor } = filter;
  const base = (phase - 1) * taps;
  const offset = phase / factor;
  let re = 0;
  let im = 0;
  for (let j = 0; j < taps; j++) {
    const tau = j - (taps / 2 - 1) - offset;
    const c = filter.coefficients[base + j]!;
    re += c * Math.cos(2 * Math.PI * frequency * tau);
    im -= c * Math.sin(2 * Math.PI * frequency * tau);
  }
  return [Math.hypot(re, im), Math.atan2(im, re)];
}

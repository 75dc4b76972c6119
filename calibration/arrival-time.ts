import { LatheError } from '../engine/index.ts';
import type { SampleArray } from './sample-array.ts';

export interface ArrivalTimeOptions {
  /**
   * `peak`: where |h| is largest (REW's default t = 0). `onset`: the first sample whose level
   * reaches `onsetFraction` of the peak's (REW's other choice, 10 % of the level = 1 % of the
   * energy), searched forward from `start`. Default `peak`.
   */
  readonly method?: 'peak' | 'onset';
  /**
   * Sub-sample refinement of the peak. `sinc`: the maximum of the band-limited signal the samples
   * describe (windowed-sinc reconstruction, 32 samples a side); `parabolic`: the vertex of a
   * parabola through the peak and its neighbours (cheap, biased toward the nearer sample by up
   * to about 0.1 sample for a sharp impulse); `none`: the whole sample. The onset is refined by a
   * straight line between the samples either side of the threshold. Default `sinc`.
   */
  readonly interpolation?: 'sinc' | 'parabolic' | 'none';
  /** Onset threshold as a fraction of the peak level. Default 0.1. */
  readonly onsetFraction?: number;
  /** First index searched. Default 0. */
  readonly start?: number;
  /** One past the last index searched. Default the impulse's length. */
  readonly end?: number;
}

/** Index of the largest |h| in [start, end) (the first such on a tie). */
export function peakIndex(impulse: SampleArray, start = 0, end = impulse.length): number {
  if (!(end > start) || start < 0 || end > impulse.length) {
    throw new LatheError('LATHE_CALIBRATION_INPUT_INVALID', `no samples to search in [${start}, ${end})`);
  }
  let best = start;
  let bestLevel = -1;
  for (let i = start; i < end; i++) {
    const level = Math.abs(impulse[i]!);
    if (level > bestLevel) {
      bestLevel = level;
      best = i;
    }
  }
  return best;
}

/** The impulse's arrival in (fractional) samples from its first sample. */
export function arrivalTime(impulse: SampleArray, options: ArrivalTimeOptions = {}): number {
  const start = options.start ?? 0;
  const end = options.end ?? impulse.length;
  const peak = peakIndex(impulse, start, end);
  const interpolation = options.interpolation ?? 'sinc';
  if ((options.method ?? 'peak') === 'onset') {
    const fraction = options.onsetFraction ?? 0.1;
    if (!(fraction > 0 && fraction <= 1)) {
      throw new LatheError(
        'LATHE_CALIBRATION_INPUT_INVALID',
        `onset fraction must be in (0, 1], got ${fraction}`,
      );
    }
    return onset(impulse, start, peak, fraction * Math.abs(impulse[peak]!), interpolation !== 'none');
  }
  if (interpolation === 'none') return peak;
  if (interpolation === 'parabolic') return parabolicPeak(impulse, peak);
  return sincPeak(impulse, peak);
}

/**
 * Arrival of `impulse` after `reference`'s (both from the same clock), in samples: e.g. the
 * acoustic path's delay when `reference` is the loopback channel's impulse.
 */
export function relativeArrivalTime(
  impulse: SampleArray,
  reference: SampleArray,
  options: ArrivalTimeOptions = {},
): number {
  return arrivalTime(impulse, options) - arrivalTime(reference, options);
}

function onset(
  impulse: SampleArray,
  start: number,
  peak: number,
  threshold: number,
  refine: boolean,
): number {
  let i = start;
  while (i < peak && Math.abs(impulse[i]!) < threshold) i++;
  if (!refine || i === start) return i;
  const below = Math.abs(impulse[i - 1]!);
  const above = Math.abs(impulse[i]!);
  return i - 1 + (threshold - below) / (above - below);
}

function parabolicPeak(impulse: SampleArray, peak: number): number {
  if (peak === 0 || peak === impulse.length - 1) return peak;
  const a = Math.abs(impulse[peak - 1]!);
  const b = Math.abs(impulse[peak]!);
  const c = Math.abs(impulse[peak + 1]!);
  const curvature = a - 2 * b + c;
  if (curvature >= 0) return peak;
  return peak + (0.5 * (a - c)) / curvature;
}

const SINC_HALF_WIDTH = 32;

/**
 * The peak of the band-limited reconstruction sign * h(t), t within a sample of the sampled peak:
 * a 0.05-sample scan, then golden-section search to 1e-5 sample.
 */
function sincPeak(impulse: SampleArray, peak: number): number {
  const sign = impulse[peak]! < 0 ? -1 : 1;
  const value = (t: number): number => sign * reconstruct(impulse, t);
  let best = peak;
  let bestValue = value(peak);
  for (let step = -20; step <= 20; step++) {
    const t = peak + step * 0.05;
    const v = value(t);
    if (v > bestValue) {
      bestValue = v;
      best = t;
    }
  }
  let lo = best - 0.05;
  let hi = best + 0.05;
  const golden = (Math.sqrt(5) - 1) / 2;
  let x1 = hi - golden * (hi - lo);
  let x2 = lo + golden * (hi - lo);
  let f1 = value(x1);
  let f2 = value(x2);
  while (hi - lo > 1e-5) {
    if (f1 < f2) {
      lo = x1;
      x1 = x2;
      f1 = f2;
      x2 = lo + golden * (hi - lo);
      f2 = value(x2);
    } else {
      hi = x2;
      x2 = x1;
      f2 = f1;
      x1 = hi - golden * (hi - lo);
      f1 = value(x1);
    }
  }
  return (lo + hi) / 2;
}

/** Hann-windowed sinc interpolation of the samples at fractional index t. */
function reconstruct(impulse: SampleArray, t: number): number {
  const centre = Math.round(t);
  let sum = 0;
  const from = Math.max(0, centre - SINC_HALF_WIDTH);
  const to = Math.min(impulse.length - 1, centre + SINC_HALF_WIDTH);
  for (let n = from; n <= to; n++) {
    const x = t - n;
    if (Math.abs(x) >= SINC_HALF_WIDTH + 1) continue;
    const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
    const window = 0.5 + 0.5 * Math.cos((Math.PI * x) / (SINC_HALF_WIDTH + 1));
    sum += impulse[n]! * sinc * window;
  }
  return sum;
}

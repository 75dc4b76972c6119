import { LatheError } from '../engine/index.ts';
import type { FrequencyResponse } from './frequency-response.ts';

/**
 * How a response is smoothed (REW's set):
 * - `{ octaveFraction: N }`: a 1/N-octave band (N from 1 to 48) centred geometrically on each point.
 * - `variable`: 1/48 octave below 100 Hz, 1/6 at 1 kHz, 1/3 above 10 kHz, the band width
 *   (in octaves) varying log-linearly in between: what REW recommends for responses to be equalised.
 * - `psychoacoustic`: 1/3 octave below 100 Hz, 1/6 above 1 kHz (log-linear in between), with a
 *   cubic mean of the magnitude (peaks weigh more, as the ear hears them): for display.
 * - `erb`: one equivalent rectangular bandwidth of the ear, (107.77 f[kHz] + 24.673) Hz, centred
 *   arithmetically (about 1 octave at 50 Hz, 1/6 above 1 kHz): for display.
 * - `none`: the response itself, read at each point.
 * Every mean except the psychoacoustic one is taken over power (|H|^2), so a comb filter's notches
 * average to the energy a listener receives rather than to a deep dB mean.
 */
export type Smoothing = 'none' | 'variable' | 'psychoacoustic' | 'erb' | { readonly octaveFraction: number };

/** The band [low, high] in Hz that `smoothing` averages over at `hz`. */
export function smoothingBandHz(smoothing: Smoothing, hz: number): [number, number] {
  if (smoothing === 'none') return [hz, hz];
  if (smoothing === 'erb') {
    const half = (107.77 * (hz / 1000) + 24.673) / 2;
    return [Math.max(0, hz - half), hz + half];
  }
  const octaves = bandOctaves(smoothing, hz);
  const ratio = 2 ** (octaves / 2);
  return [hz / ratio, hz * ratio];
}

/**
 * A power spectrum on uniform bins (bin k at k * binHz, DC to Nyquist) smoothed and read at
 * `targetHz`, in dB (10 log10 of the mean power; the psychoacoustic mean is the cubic mean of
 * the magnitude). Power is taken as linear in frequency between bins and each band's mean is
 * the exact integral of that over the band divided by its width, so a band narrower than a bin
 * still reads correctly and bands end between bins without rounding. `limitsHz`: where the
 * spectrum holds a measurement; bands are cut to it (a band lying wholly outside reads the
 * nearest limit), so a band near Nyquist does not average in what the sweep never excited.
 */
export function smoothPowerSpectrum(
  power: Float64Array,
  binHz: number,
  targetHz: ArrayLike<number>,
  smoothing: Smoothing,
  limitsHz: readonly [number, number] = [0, Infinity],
): Float64Array {
  checkSmoothing(smoothing);
  const cubic = smoothing === 'psychoacoustic';
  const values = cubic ? power.map((p) => Math.max(0, p) ** 1.5) : power;
  const cumulative = uniformCumulative(values);
  const lastBin = values.length - 1;
  const out = new Float64Array(targetHz.length);
  for (let i = 0; i < targetHz.length; i++) {
    const [bandLow, bandHigh] = smoothingBandHz(smoothing, targetHz[i]!);
    const lowHz = Math.min(Math.max(bandLow, limitsHz[0]), limitsHz[1]);
    const highHz = Math.max(Math.min(bandHigh, limitsHz[1]), limitsHz[0]);
    const low = Math.min(lastBin, Math.max(0, lowHz / binHz));
    const high = Math.min(lastBin, Math.max(0, highHz / binHz));
    const mean =
      high - low > 1e-9
        ? (uniformIntegral(values, cumulative, high) - uniformIntegral(values, cumulative, low)) /
          (high - low)
        : uniformValue(values, low);
    out[i] = cubic ? (10 / 1.5) * Math.log10(Math.max(mean, 1e-45)) : 10 * Math.log10(Math.max(mean, 1e-30));
  }
  return out;
}

/**
 * A response already on a log-frequency grid smoothed in place of its own points. Power is taken
 * as linear in log frequency between points and averaged over each band in log frequency; bands
 * reaching past the grid's ends are cut there (the edge points average one-sided).
 */
export function smoothResponse(response: FrequencyResponse, smoothing: Smoothing): FrequencyResponse {
  checkSmoothing(smoothing);
  const { hz, db } = response;
  const n = hz.length;
  if (smoothing === 'none' || n < 2) return { hz: hz.slice(), db: db.slice() };
  const cubic = smoothing === 'psychoacoustic';
  const exponent = cubic ? 0.15 : 0.1;
  const x = hz.map((f) => Math.log2(f));
  const values = db.map((level) => 10 ** (level * exponent));
  const cumulative = new Float64Array(n);
  for (let i = 1; i < n; i++) {
    cumulative[i] = cumulative[i - 1]! + ((values[i - 1]! + values[i]!) / 2) * (x[i]! - x[i - 1]!);
  }
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const [lowHz, highHz] = smoothingBandHz(smoothing, hz[i]!);
    const low = Math.max(x[0]!, lowHz > 0 ? Math.log2(lowHz) : -Infinity);
    const high = Math.min(x[n - 1]!, Math.log2(highHz));
    const mean =
      high - low > 1e-12
        ? (gridIntegral(x, values, cumulative, high) - gridIntegral(x, values, cumulative, low)) /
          (high - low)
        : values[i]!;
    out[i] = Math.log10(Math.max(mean, 1e-300)) / exponent;
  }
  return { hz: hz.slice(), db: out };
}

function bandOctaves(smoothing: Exclude<Smoothing, 'none' | 'erb'>, hz: number): number {
  if (smoothing === 'variable') return logLinearWidth(hz, 1 / 48, 1 / 6, 1 / 3);
  if (smoothing === 'psychoacoustic') return logLinearWidth(hz, 1 / 3, 1 / 6, 1 / 6);
  return 1 / smoothing.octaveFraction;
}

/** Width `at100` below 100 Hz, `at1k` at 1 kHz, `at10k` above 10 kHz; log width linear in log f between. */
function logLinearWidth(hz: number, at100: number, at1k: number, at10k: number): number {
  const decade = Math.log10(Math.max(hz, 1));
  if (decade <= 2) return at100;
  if (decade >= 4) return at10k;
  const [from, to, u] = decade < 3 ? [at100, at1k, decade - 2] : [at1k, at10k, decade - 3];
  return from * (to / from) ** u;
}

function checkSmoothing(smoothing: Smoothing): void {
  if (typeof smoothing === 'string') return;
  const n = smoothing.octaveFraction;
  if (!(n >= 1 && n <= 48)) {
    throw new LatheError(
      'LATHE_CALIBRATION_INPUT_INVALID',
      `octave smoothing runs from 1/1 to 1/48 octave, got 1/${n}`,
    );
  }
}

/** Running trapezoid integral of uniformly spaced values, in bins. */
function uniformCumulative(values: Float64Array): Float64Array {
  const cumulative = new Float64Array(values.length);
  for (let k = 1; k < values.length; k++)
    cumulative[k] = cumulative[k - 1]! + (values[k - 1]! + values[k]!) / 2;
  return cumulative;
}

/** Integral from bin 0 to fractional bin `x` of the values joined by straight lines. */
function uniformIntegral(values: Float64Array, cumulative: Float64Array, x: number): number {
  const k = Math.min(Math.floor(x), values.length - 1);
  const u = x - k;
  if (u <= 0) return cumulative[k]!;
  const a = values[k]!;
  const b = values[k + 1]!;
  return cumulative[k]! + a * u + ((b - a) * u * u) / 2;
}

function uniformValue(values: Float64Array, x: number): number {
  const k = Math.min(Math.floor(x), values.length - 1);
  const u = x - k;
  return u <= 0 ? values[k]! : values[k]! + (values[k + 1]! - values[k]!) * u;
}

/** Integral from the first grid point to `at` of the values joined by straight lines. */
function gridIntegral(x: Float64Array, values: Float64Array, cumulative: Float64Array, at: number): number {
  let lo = 0;
  let hi = x.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (x[mid]! <= at) lo = mid;
    else hi = mid;
  }
  const span = x[lo + 1]! - x[lo]!;
  const u = Math.min(1, Math.max(0, (at - x[lo]!) / span));
  const a = values[lo]!;
  const b = values[lo + 1]!;
  return cumulative[lo]! + span * (a * u + ((b - a) * u * u) / 2);
}

import {
  BIQUAD_COEFFICIENTS,
  LatheError,
  biquadMagnitude,
  designHighShelf,
  designLowShelf,
  designPeaking,
} from '../engine/index.ts';
import type { ParametricFilter } from './parametric-filter.ts';

/**
 * What a list of correction filters does to the level, in dB: the cookbook designs the engine's
 * monitor path runs (shelves in the cookbook's Q form), so the prediction is the correction that
 * will play.
 */

/** Writes the five normalized coefficients of `filter` at `out[offset]`. */
export function designFilter(
  filter: ParametricFilter,
  sampleRate: number,
  out: Float64Array,
  offset = 0,
): void {
  const design =
    filter.type === 'peaking' ? designPeaking : filter.type === 'lowshelf' ? designLowShelf : designHighShelf;
  design(out, offset, filter.hz, filter.gainDb, filter.q, sampleRate);
}

function checkFilters(filters: readonly ParametricFilter[], sampleRate: number): void {
  if (!(sampleRate > 0) || !Number.isFinite(sampleRate)) {
    throw new LatheError('LATHE_CALIBRATION_INPUT_INVALID', `bad sample rate ${sampleRate}`);
  }
  for (const filter of filters) {
    const nyquist = sampleRate / 2;
    if (!(filter.hz > 0 && filter.hz < nyquist) || !(filter.q > 0) || !Number.isFinite(filter.gainDb)) {
      throw new LatheError(
        'LATHE_CALIBRATION_INPUT_INVALID',
        `filter ${filter.type} ${filter.hz} Hz Q ${filter.q} ${filter.gainDb} dB cannot run at ${sampleRate} Hz`,
      );
    }
  }
}

/** Summed dB response of `filters` at each of `hz` (0 Hz and Nyquist allowed) at `sampleRate`. */
export function filterResponseDb(
  filters: readonly ParametricFilter[],
  hz: ArrayLike<number>,
  sampleRate: number,
): Float64Array {
  checkFilters(filters, sampleRate);
  const coefficients = new Float64Array(filters.length * BIQUAD_COEFFICIENTS);
  filters.forEach((filter, k) => {
    designFilter(filter, sampleRate, coefficients, k * BIQUAD_COEFFICIENTS);
  });
  const out = new Float64Array(hz.length);
  for (let i = 0; i < hz.length; i++) {
    let magnitude = 1;
    for (let k = 0; k < filters.length; k++) {
      magnitude *= biquadMagnitude(coefficients, k * BIQUAD_COEFFICIENTS, hz[i]!, sampleRate);
    }
    out[i] = 20 * Math.log10(magnitude);
  }
  return out;
}

/**
 * The frequencies where a cookbook peaking filter's dB response is half its gain (the cookbook's
 * bandwidth edges), exact for the digital filter: the analogue prototype reaches half its dB gain
 * where |1 - W^2| = W / Q whatever the gain, and the bilinear transform maps W to
 * tan(pi f / fs) / tan(pi fc / fs).
 */
export function peakingHalfGainEdgesHz(
  filter: ParametricFilter,
  sampleRate: number,
): readonly [number, number] {
  const inverseQ = 1 / filter.q;
  const lowerW = (Math.sqrt(inverseQ * inverseQ + 4) - inverseQ) / 2;
  const centre = Math.tan((Math.PI * filter.hz) / sampleRate);
  const toHz = (w: number): number => (sampleRate / Math.PI) * Math.atan(w * centre);
  return [toHz(lowerW), toHz(1 / lowerW)];
}

/** The smallest Q that keeps a peaking filter at `hz` from reaching half its gain below `edgeHz`. */
export function minimumQForLowerEdge(hz: number, edgeHz: number, sampleRate: number): number {
  const ratio = Math.tan((Math.PI * edgeHz) / sampleRate) / Math.tan((Math.PI * hz) / sampleRate);
  return ratio >= 1 ? Infinity : ratio / (1 - ratio * ratio);
}

/** The smallest Q that keeps a peaking filter at `hz` from reaching half its gain above `edgeHz`. */
export function minimumQForUpperEdge(hz: number, edgeHz: number, sampleRate: number): number {
  if (edgeHz >= sampleRate / 2) return 0;
  const ratio = Math.tan((Math.PI * hz) / sampleRate) / Math.tan((Math.PI * edgeHz) / sampleRate);
  return ratio >= 1 ? Infinity : ratio / (1 - ratio * ratio);
}

/** Points per octave of the scan that `filterResponsePeak` refines. */
const PEAK_SCAN_POINTS_PER_OCTAVE = 96;
const GOLDEN = (Math.sqrt(5) - 1) / 2;

/** 0 Hz, then 1 Hz to Nyquist at 1/96 octave, then Nyquist: where a summed response's peak is sought. */
export function peakScanGrid(sampleRate: number): Float64Array {
  const nyquist = sampleRate / 2;
  const count = Math.floor(Math.log2(nyquist) * PEAK_SCAN_POINTS_PER_OCTAVE) + 1;
  const scan = new Float64Array(count + 2);
  for (let i = 0; i < count; i++) scan[i + 1] = Math.pow(2, i / PEAK_SCAN_POINTS_PER_OCTAVE);
  scan[count + 1] = nyquist;
  return scan;
}

/**
 * The highest level the summed response reaches anywhere from 0 Hz to Nyquist, and where: a
 * 1/96-octave scan from 1 Hz (plus 0 Hz, Nyquist and each filter's frequency), each local maximum
 * then refined by golden-section search on the log axis. Used for the preamp (so the correction
 * cannot clip) and the overall boost limit.
 */
export function filterResponsePeak(
  filters: readonly ParametricFilter[],
  sampleRate: number,
): { readonly hz: number; readonly db: number } {
  checkFilters(filters, sampleRate);
  const scan = [...peakScanGrid(sampleRate), ...filters.map((filter) => filter.hz)].sort((a, b) => a - b);
  const levels = filterResponseDb(filters, scan, sampleRate);
  let best = { hz: scan[0]!, db: levels[0]! };
  for (let i = 0; i < scan.length; i++) {
    const level = levels[i]!;
    const left = levels[i - 1] ?? -Infinity;
    const right = levels[i + 1] ?? -Infinity;
    if (level > best.db) best = { hz: scan[i]!, db: level };
    if (level < left || level < right || i === 0 || i === scan.length - 1) continue;
    const refined = refineMaximum(filters, sampleRate, scan[i - 1]!, scan[i + 1]!);
    if (refined.db > best.db) best = refined;
  }
  return best;
}

function refineMaximum(
  filters: readonly ParametricFilter[],
  sampleRate: number,
  loHz: number,
  hiHz: number,
): { hz: number; db: number } {
  const at = (logHz: number): number => filterResponseDb(filters, [Math.exp(logHz)], sampleRate)[0]!;
  let a = Math.log(Math.max(loHz, 1e-3));
  let b = Math.log(hiHz);
  let c = b - GOLDEN * (b - a);
  let d = a + GOLDEN * (b - a);
  let fc = at(c);
  let fd = at(d);
  for (let i = 0; i < 40; i++) {
    if (fc > fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - GOLDEN * (b - a);
      fc = at(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + GOLDEN * (b - a);
      fd = at(d);
    }
  }
  return fc > fd ? { hz: Math.exp(c), db: fc } : { hz: Math.exp(d), db: fd };
}

/**
 * Fast single-filter dB responses on a fixed frequency grid, for the fitter's inner loop: the
 * grid's cos/sin terms are computed once, so each evaluation is a cookbook design plus arithmetic
 * per point (the same closed form as the engine's `biquadMagnitude`).
 */
export class FilterResponseGrid {
  readonly hz: Float64Array;
  readonly sampleRate: number;
  private readonly cos1: Float64Array;
  private readonly sin1: Float64Array;
  private readonly cos2: Float64Array;
  private readonly sin2: Float64Array;
  private readonly coefficients = new Float64Array(BIQUAD_COEFFICIENTS);

  constructor(hz: Float64Array, sampleRate: number) {
    this.hz = hz;
    this.sampleRate = sampleRate;
    this.cos1 = new Float64Array(hz.length);
    this.sin1 = new Float64Array(hz.length);
    this.cos2 = new Float64Array(hz.length);
    this.sin2 = new Float64Array(hz.length);
    for (let i = 0; i < hz.length; i++) {
      const w = (2 * Math.PI * hz[i]!) / sampleRate;
      this.cos1[i] = Math.cos(w);
      this.sin1[i] = Math.sin(w);
      this.cos2[i] = Math.cos(2 * w);
      this.sin2[i] = Math.sin(2 * w);
    }
  }

  /** Writes the filter's dB response at every grid point into `out`. */
  responseDb(filter: ParametricFilter, out: Float64Array): void {
    this.power(filter, out, false);
    for (let i = 0; i < out.length; i++) out[i] = 10 * Math.log10(out[i]!);
  }

  /** Multiplies `out` (power ratios, one per grid point) by the filter's |H|^2. */
  multiplyPower(filter: ParametricFilter, out: Float64Array): void {
    this.power(filter, out, true);
  }

  private power(filter: ParametricFilter, out: Float64Array, multiply: boolean): void {
    const c = this.coefficients;
    designFilter(filter, this.sampleRate, c);
    const b0 = c[0]!;
    const b1 = c[1]!;
    const b2 = c[2]!;
    const a1 = c[3]!;
    const a2 = c[4]!;
    for (let i = 0; i < out.length; i++) {
      const c1 = this.cos1[i]!;
      const s1 = this.sin1[i]!;
      const c2 = this.cos2[i]!;
      const s2 = this.sin2[i]!;
      const nr = b0 + b1 * c1 + b2 * c2;
      const ni = b1 * s1 + b2 * s2;
      const dr = 1 + a1 * c1 + a2 * c2;
      const di = a1 * s1 + a2 * s2;
      const power = (nr * nr + ni * ni) / (dr * dr + di * di);
      out[i] = multiply ? out[i]! * power : power;
    }
  }
}

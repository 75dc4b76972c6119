import { LatheError } from '../engine/index.ts';
import type { FrequencyResponse } from './frequency-response.ts';

/** The calibration grid's density: responses are reported and fitted at 1/48-octave points. */
export const GRID_POINTS_PER_OCTAVE = 48;

/**
 * Frequencies spaced evenly in log frequency from `startHz` to `endHz`, both ends on the grid.
 * The span is cut into round(N * octaves) equal steps, so a step is 1/N octave within half a
 * step's rounding (20 Hz-20 kHz at 1/48 octave: 478 steps of 1/47.97 octave, 479 points).
 */
export function logFrequencyGrid(
  startHz = 20,
  endHz = 20000,
  pointsPerOctave: number = GRID_POINTS_PER_OCTAVE,
): Float64Array {
  if (!(startHz > 0) || !(endHz > startHz) || !Number.isFinite(endHz)) {
    throw new LatheError(
      'LATHE_CALIBRATION_INPUT_INVALID',
      `frequency grid needs 0 < start < end, got ${startHz} Hz to ${endHz} Hz`,
    );
  }
  if (!(pointsPerOctave >= 1) || !Number.isFinite(pointsPerOctave)) {
    throw new LatheError(
      'LATHE_CALIBRATION_INPUT_INVALID',
      `points per octave must be >= 1, got ${pointsPerOctave}`,
    );
  }
  const octaves = Math.log2(endHz / startHz);
  const steps = Math.max(1, Math.round(pointsPerOctave * octaves));
  const grid = new Float64Array(steps + 1);
  for (let i = 0; i <= steps; i++) grid[i] = startHz * 2 ** ((octaves * i) / steps);
  grid[steps] = endHz;
  return grid;
}

/**
 * Values given at uniform bins (bin k at k * binHz) read at `targetHz`, linear in frequency
 * between bins; beyond the last bin the last value holds.
 */
export function interpolateUniform(
  values: Float64Array,
  binHz: number,
  targetHz: ArrayLike<number>,
): Float64Array {
  const out = new Float64Array(targetHz.length);
  const last = values.length - 1;
  for (let i = 0; i < targetHz.length; i++) {
    const x = Math.max(0, targetHz[i]! / binHz);
    const k = Math.floor(x);
    if (k >= last) {
      out[i] = values[last]!;
      continue;
    }
    out[i] = values[k]! + (values[k + 1]! - values[k]!) * (x - k);
  }
  return out;
}

/**
 * Values given at strictly increasing positive frequencies `hz` read at `targetHz`, linear in
 * log frequency between points; outside the given range (and at 0 Hz) the end values hold.
 */
export function interpolateLogFrequency(
  hz: Float64Array,
  values: Float64Array,
  targetHz: ArrayLike<number>,
): Float64Array {
  const out = new Float64Array(targetHz.length);
  const n = hz.length;
  if (n === 0) return out;
  let j = 0;
  for (let i = 0; i < targetHz.length; i++) {
    const f = targetHz[i]!;
    if (f <= hz[0]!) {
      out[i] = values[0]!;
      continue;
    }
    if (f >= hz[n - 1]!) {
      out[i] = values[n - 1]!;
      continue;
    }
    // Targets are usually increasing: walk on from the last segment, restart when they are not.
    if (f < hz[j]!) j = 0;
    while (hz[j + 1]! < f) j++;
    const lo = hz[j]!;
    const u = Math.log(f / lo) / Math.log(hz[j + 1]! / lo);
    out[i] = values[j]! + (values[j + 1]! - values[j]!) * u;
  }
  return out;
}

/**
 * A response read at `targetHz`: linear in log frequency between its points, end values held
 * beyond them (REW's house-curve rule). Points at or below 0 Hz are skipped, and targets at or
 * below the lowest positive point take its level.
 */
export function resampleDb(response: FrequencyResponse, targetHz: ArrayLike<number>): Float64Array {
  const first = firstPositiveIndex(response.hz);
  if (first === response.hz.length) return new Float64Array(targetHz.length).fill(Number.NaN);
  return interpolateLogFrequency(response.hz.subarray(first), response.db.subarray(first), targetHz);
}

/** The lowest positive and the highest frequency of a response, Hz. */
export function responseExtentHz(response: FrequencyResponse): [number, number] {
  const first = firstPositiveIndex(response.hz);
  return [response.hz[first] ?? Number.NaN, response.hz[response.hz.length - 1] ?? Number.NaN];
}

/**
 * Mean level in dB over [lowHz, highHz], the response read on the 1/48-octave grid across the
 * band (each octave weighs alike, as in a log-frequency plot).
 */
export function bandMeanDb(response: FrequencyResponse, lowHz: number, highHz: number): number {
  const band = resampleDb(response, logFrequencyGrid(lowHz, highHz, GRID_POINTS_PER_OCTAVE));
  let sum = 0;
  for (const db of band) sum += db;
  return sum / band.length;
}

/** Throws LATHE_CALIBRATION_INPUT_INVALID unless `response` is non-empty, finite and strictly increasing in hz. */
export function checkFrequencyResponse(response: FrequencyResponse, what: string): void {
  const { hz, db } = response;
  if (hz.length === 0 || hz.length !== db.length) {
    throw new LatheError(
      'LATHE_CALIBRATION_INPUT_INVALID',
      `${what}: needs as many levels as frequencies, at least one (got ${hz.length} and ${db.length})`,
    );
  }
  for (let i = 0; i < hz.length; i++) {
    if (!Number.isFinite(hz[i]!) || !Number.isFinite(db[i]!)) {
      throw new LatheError('LATHE_CALIBRATION_INPUT_INVALID', `${what}: point ${i} is not finite`);
    }
    if (i > 0 && !(hz[i]! > hz[i - 1]!)) {
      throw new LatheError(
        'LATHE_CALIBRATION_INPUT_INVALID',
        `${what}: frequencies must increase (point ${i}: ${hz[i]} Hz after ${hz[i - 1]} Hz)`,
      );
    }
  }
}

function firstPositiveIndex(hz: Float64Array): number {
  let first = 0;
  while (first < hz.length && !(hz[first]! > 0)) first++;
  return first;
}

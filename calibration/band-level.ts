import { LatheError } from '../engine/index.ts';
import type { FrequencyResponse } from './frequency-response.ts';
import { nextPowerOfTwo, powerSpectrum } from './power-spectrum.ts';

/** The band speakers are level-matched in (reference §7.1): clear of room modes and crossovers. */
export const LEVEL_BAND_HZ: readonly [number, number] = [500, 2000];

/**
 * Level of a power spectrum on uniform bins (bin k at k * binHz) over [lowHz, highHz], dB: the
 * mean power with each octave weighing alike (the integral of P(f)/f over ln f), what band-limited
 * pink noise through the system would read relative to the noise itself. Power is linear in
 * frequency between bins and integrated exactly, so the result does not depend on where the band
 * edges fall between bins. A flat unity response reads 0 dB.
 */
export function bandLevelDb(power: Float64Array, binHz: number, lowHz = 500, highHz = 2000): number {
  checkBand(lowHz, highHz);
  const lastHz = (power.length - 1) * binHz;
  if (!(highHz <= lastHz)) {
    throw new LatheError(
      'LATHE_CALIBRATION_INPUT_INVALID',
      `band up to ${highHz} Hz lies beyond the spectrum (${lastHz} Hz)`,
    );
  }
  let integral = 0;
  let k = Math.floor(lowHz / binHz);
  let from = lowHz;
  while (from < highHz) {
    const a = k * binHz;
    const b = (k + 1) * binHz;
    const to = Math.min(b, highHz);
    const slope = (power[k + 1]! - power[k]!) / binHz;
    const offset = power[k]! - slope * a;
    integral += offset * Math.log(to / from) + slope * (to - from);
    from = to;
    k++;
  }
  return 10 * Math.log10(Math.max(integral / Math.log(highHz / lowHz), 1e-30));
}

/** Level of an impulse response over [lowHz, highHz] (see bandLevelDb): a unit impulse reads 0 dB. */
export function impulseBandLevelDb(
  impulse: ArrayLike<number>,
  sampleRate: number,
  lowHz = 500,
  highHz = 2000,
): number {
  checkBand(lowHz, highHz);
  if (impulse.length === 0) throw new LatheError('LATHE_CALIBRATION_INPUT_INVALID', 'empty impulse response');
  // Zero-padding to at least 8 bins per octave-width at the low edge keeps the bin interpolation fine.
  const size = nextPowerOfTwo(Math.max(2 * impulse.length, Math.ceil((8 * sampleRate) / lowHz)));
  return bandLevelDb(powerSpectrum(impulse, size), sampleRate / size, lowHz, highHz);
}

/**
 * Level of a response on any increasing frequency grid over [lowHz, highHz]: mean power over log
 * frequency, power linear in log frequency between points (trapezoids), the band's edges read by
 * interpolation. The band must lie within the response's points.
 */
export function responseBandLevelDb(response: FrequencyResponse, lowHz = 500, highHz = 2000): number {
  checkBand(lowHz, highHz);
  const { hz, db } = response;
  const n = hz.length;
  if (n < 2 || !(hz[0]! <= lowHz) || !(hz[n - 1]! >= highHz)) {
    throw new LatheError(
      'LATHE_CALIBRATION_INPUT_INVALID',
      `band ${lowHz}-${highHz} Hz lies outside the response (${hz[0]}-${hz[n - 1]} Hz)`,
    );
  }
  const at = (f: number): number => {
    let j = 0;
    while (hz[j + 1]! < f) j++;
    const u = Math.log(f / hz[j]!) / Math.log(hz[j + 1]! / hz[j]!);
    return 10 ** ((db[j]! + (db[j + 1]! - db[j]!) * u) / 10);
  };
  const xs = [lowHz];
  for (const f of hz) if (f > lowHz && f < highHz) xs.push(f);
  xs.push(highHz);
  let integral = 0;
  let previous = at(lowHz);
  for (let i = 1; i < xs.length; i++) {
    const value = at(xs[i]!);
    integral += ((previous + value) / 2) * Math.log(xs[i]! / xs[i - 1]!);
    previous = value;
  }
  return 10 * Math.log10(Math.max(integral / Math.log(highHz / lowHz), 1e-30));
}

function checkBand(lowHz: number, highHz: number): void {
  if (!(lowHz > 0) || !(highHz > lowHz) || !Number.isFinite(highHz)) {
    throw new LatheError(
      'LATHE_CALIBRATION_INPUT_INVALID',
      `level band must satisfy 0 < low < high, got ${lowHz}-${highHz} Hz`,
    );
  }
}

import { describe, expect, it } from 'vitest';
import {
  bandMeanDb,
  checkFrequencyResponse,
  interpolateLogFrequency,
  interpolateUniform,
  logFrequencyGrid,
  resampleDb,
  responseExtentHz,
} from '../../calibration/log-frequency-grid.ts';
import { isLatheError } from '../../engine/index.ts';

function codeOf(work: () => unknown): string {
  try {
    work();
  } catch (error) {
    return isLatheError(error) ? error.code : String(error);
  }
  return 'no error';
}

describe('logFrequencyGrid', () => {
  it('puts 1/48-octave points from 20 Hz to 20 kHz, both ends on the grid', () => {
    const grid = logFrequencyGrid();
    expect(grid.length).toBe(479);
    expect(grid[0]).toBe(20);
    expect(grid[478]).toBe(20000);
    const step = Math.log2(1000) / 478;
    for (let i = 1; i < grid.length; i++) expect(Math.log2(grid[i]! / grid[i - 1]!)).toBeCloseTo(step, 12);
    expect(Math.abs(step - 1 / 48)).toBeLessThan(1 / 48 / 1000);
    expect(logFrequencyGrid(100, 800, 3).length).toBe(10);
  });

  it('rejects an empty or reversed range and a density below 1', () => {
    expect(codeOf(() => logFrequencyGrid(0, 100))).toBe('LATHE_CALIBRATION_INPUT_INVALID');
    expect(codeOf(() => logFrequencyGrid(200, 100))).toBe('LATHE_CALIBRATION_INPUT_INVALID');
    expect(codeOf(() => logFrequencyGrid(20, 100, 0))).toBe('LATHE_CALIBRATION_INPUT_INVALID');
  });
});

describe('interpolation', () => {
  it('reads uniform bins linearly in frequency, holding the last', () => {
    const values = Float64Array.from([0, 10, 20, 40]);
    expect(Array.from(interpolateUniform(values, 100, [0, 50, 125, 250, 400]))).toEqual([0, 5, 12.5, 30, 40]);
  });

  it('reads points linearly in log frequency, holding both ends', () => {
    const hz = Float64Array.from([100, 1000, 10000]);
    const db = Float64Array.from([0, 6, -6]);
    const out = interpolateLogFrequency(hz, db, [10, 100, Math.sqrt(1e5), 1000, 10 ** 3.625, 20000]);
    expect(Array.from(out).map((v) => Math.round(v * 1e9) / 1e9)).toEqual([0, 0, 3, 6, -1.5, -6]);
  });

  it('resamples a response, skipping 0 Hz, and reads its extent and band mean', () => {
    const response = { hz: Float64Array.from([0, 100, 1000]), db: Float64Array.from([99, 0, 10]) };
    expect(Array.from(resampleDb(response, [0, 50, Math.sqrt(1e5)]))).toEqual([0, 0, 5]);
    expect(responseExtentHz(response)).toEqual([100, 1000]);
    // dB linear in log f: the mean over the band is the value at its log centre.
    expect(bandMeanDb(response, 200, 500)).toBeCloseTo(10 * Math.log10(Math.sqrt(200 * 500) / 100), 9);
  });

  it('checks a response: finite, increasing, matching lengths', () => {
    const hz = Float64Array.from([1, 2]);
    expect(
      codeOf(() => {
        checkFrequencyResponse({ hz, db: Float64Array.from([0, 0]) }, 'r');
      }),
    ).toBe('no error');
    expect(
      codeOf(() => {
        checkFrequencyResponse({ hz, db: Float64Array.from([0]) }, 'r');
      }),
    ).toBe('LATHE_CALIBRATION_INPUT_INVALID');
    expect(
      codeOf(() => {
        checkFrequencyResponse({ hz: Float64Array.from([2, 1]), db: Float64Array.from([0, 0]) }, 'r');
      }),
    ).toBe('LATHE_CALIBRATION_INPUT_INVALID');
    expect(
      codeOf(() => {
        checkFrequencyResponse({ hz, db: Float64Array.from([0, Number.NaN]) }, 'r');
      }),
    ).toBe('LATHE_CALIBRATION_INPUT_INVALID');
  });
});

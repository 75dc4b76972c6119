import type { FrequencyResponse } from '../../../calibration/index.ts';

export function round(value: number, digits: number): number {
  return Number(value.toFixed(digits));
}

/** dB values to 0.01 (JSON has no -Infinity: those become null). */
export function dbList(db: ArrayLike<number>): (number | null)[] {
  return Array.from(db, (x) => (Number.isFinite(x) ? round(x, 2) : null));
}

export function hzList(hz: ArrayLike<number>): number[] {
  return Array.from(hz, (x) => round(x, 2));
}

/**
 * RMS deviation (dB) of a response from flat over `bandHz`, flat being its own mean over
 * 500 Hz-2 kHz (where targets are aligned): one number for "how flat", comparable between a
 * before and an after on the same grid.
 */
export function flatnessRmsDb(response: FrequencyResponse, bandHz: readonly [number, number]): number {
  const meanOver = (low: number, high: number): { mean: number; count: number } => {
    let sum = 0;
    let count = 0;
    response.hz.forEach((hz, k) => {
      if (hz >= low && hz <= high && Number.isFinite(response.db[k]!)) {
        sum += response.db[k]!;
        count++;
      }
    });
    return { mean: count === 0 ? 0 : sum / count, count };
  };
  const level = meanOver(500, 2000).mean;
  let sum = 0;
  let count = 0;
  response.hz.forEach((hz, k) => {
    const db = response.db[k]!;
    if (hz >= bandHz[0] && hz <= bandHz[1] && Number.isFinite(db)) {
      sum += (db - level) ** 2;
      count++;
    }
  });
  return Math.sqrt(sum / Math.max(1, count));
}

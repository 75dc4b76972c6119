import { describe, expect, it } from 'vitest';
import { bandLevelDb, impulseBandLevelDb, responseBandLevelDb } from '../../calibration/band-level.ts';
import { isLatheError } from '../../engine/index.ts';

/** Simpson's rule for the log-weighted mean of power(f) over [lo, hi], on 20000 intervals of ln f. */
function logMeanDb(power: (hz: number) => number, lo: number, hi: number): number {
  const n = 20000;
  const a = Math.log(lo);
  const h = (Math.log(hi) - a) / n;
  let sum = 0;
  for (let k = 0; k <= n; k++) sum += (k === 0 || k === n ? 1 : k % 2 ? 4 : 2) * power(Math.exp(a + k * h));
  return 10 * Math.log10((sum * h) / 3 / (Math.log(hi) - a));
}

describe('band level (500 Hz-2 kHz)', () => {
  it('reads a unit impulse at 0 dB and a gain at its dB', () => {
    const unit = new Float64Array(64);
    unit[10] = 1;
    expect(impulseBandLevelDb(unit, 48000)).toBeCloseTo(0, 9);
    unit[10] = 0.5;
    expect(impulseBandLevelDb(unit, 48000)).toBeCloseTo(20 * Math.log10(0.5), 9);
  });

  it('weighs each octave alike: h = delta - 0.6 delta(n-1) against direct integration', () => {
    const rate = 48000;
    const c = 0.6;
    const impulse = Float64Array.from([1, -c]);
    const expected = logMeanDb((f) => 1 + c * c - 2 * c * Math.cos((2 * Math.PI * f) / rate), 500, 2000);
    expect(Math.abs(impulseBandLevelDb(impulse, rate) - expected)).toBeLessThan(1e-4);
    expect(
      Math.abs(
        impulseBandLevelDb(impulse, rate, 100, 8000) -
          logMeanDb((f) => 1 + c * c - 2 * c * Math.cos((2 * Math.PI * f) / rate), 100, 8000),
      ),
    ).toBeLessThan(1e-4);
  });

  it('integrates power linear between bins exactly: P = f / 1 kHz reads (2000 - 500) / (1000 ln 4)', () => {
    const binHz = 7.3;
    const power = Float64Array.from({ length: 400 }, (_, k) => (k * binHz) / 1000);
    expect(bandLevelDb(power, binHz)).toBeCloseTo(10 * Math.log10(1500 / (1000 * Math.log(4))), 12);
  });

  it('reads a response on a log grid by trapezoids in log frequency', () => {
    const hz = Float64Array.from({ length: 479 }, (_, i) => 20 * 1000 ** (i / 478));
    // +3 dB per octave: the same analytic mean as above.
    const response = { hz, db: hz.map((f) => 10 * Math.log10(f / 1000)) };
    expect(
      Math.abs(responseBandLevelDb(response) - 10 * Math.log10(1500 / (1000 * Math.log(4)))),
    ).toBeLessThan(1e-3);
  });

  it('rejects a band outside the data or upside down', () => {
    const code = (work: () => unknown): string => {
      try {
        work();
      } catch (error) {
        return isLatheError(error) ? error.code : String(error);
      }
      return 'no error';
    };
    expect(code(() => bandLevelDb(new Float64Array(10), 100))).toBe('LATHE_CALIBRATION_INPUT_INVALID');
    expect(code(() => impulseBandLevelDb(Float64Array.of(1), 48000, 2000, 500))).toBe(
      'LATHE_CALIBRATION_INPUT_INVALID',
    );
  });
});

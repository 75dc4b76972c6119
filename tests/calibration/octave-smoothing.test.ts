import { describe, expect, it } from 'vitest';
import { smoothingBandHz, smoothPowerSpectrum, smoothResponse } from '../../calibration/octave-smoothing.ts';
import { isLatheError } from '../../engine/index.ts';

const BIN_HZ = 0.25;
const BINS = 100001; // DC to 25 kHz

function spectrum(power: (hz: number) => number): Float64Array {
  return Float64Array.from({ length: BINS }, (_, k) => power(k * BIN_HZ));
}

const db = (power: number): number => 10 * Math.log10(power);

describe('smoothingBandHz', () => {
  it("gives 1/N-octave bands, REW's variable and psychoacoustic widths, and the ERB", () => {
    const [lo, hi] = smoothingBandHz({ octaveFraction: 3 }, 1000);
    expect(lo).toBeCloseTo(1000 * 2 ** (-1 / 6), 9);
    expect(hi).toBeCloseTo(1000 * 2 ** (1 / 6), 9);
    const octaves = (s: Parameters<typeof smoothingBandHz>[0], f: number): number => {
      const [a, b] = smoothingBandHz(s, f);
      return Math.log2(b / a);
    };
    expect(octaves('variable', 50)).toBeCloseTo(1 / 48, 12);
    expect(octaves('variable', 1000)).toBeCloseTo(1 / 6, 12);
    expect(octaves('variable', 15000)).toBeCloseTo(1 / 3, 12);
    // Half way (in log f) between 100 Hz and 1 kHz: the geometric mean of 1/48 and 1/6.
    expect(octaves('variable', Math.sqrt(1e5))).toBeCloseTo(Math.sqrt(1 / 48 / 6), 12);
    expect(octaves('psychoacoustic', 50)).toBeCloseTo(1 / 3, 12);
    expect(octaves('psychoacoustic', 5000)).toBeCloseTo(1 / 6, 12);
    // ERB = 24.673 (4.368 f/kHz + 1) Hz, centred arithmetically.
    const [e1, e2] = smoothingBandHz('erb', 1000);
    expect(e2 - e1).toBeCloseTo(24.673 * (4.368 + 1), 2);
    expect((e1 + e2) / 2).toBeCloseTo(1000, 9);
    expect(smoothingBandHz('none', 440)).toEqual([440, 440]);
  });
});

describe('smoothPowerSpectrum', () => {
  const targets = Float64Array.from([20, 31.5, 63, 100, 440, 1000, 5000, 12000, 20000]);

  it('leaves a constant alone under every smoothing', () => {
    const flat = spectrum(() => 4);
    for (const s of [
      'none',
      'variable',
      'psychoacoustic',
      'erb',
      { octaveFraction: 1 },
      { octaveFraction: 48 },
    ] as const) {
      for (const value of smoothPowerSpectrum(flat, BIN_HZ, targets, s)) expect(value).toBeCloseTo(db(4), 9);
    }
  });

  it("averages power over the band: a straight line reads its value at the band's arithmetic centre", () => {
    const ramp = spectrum((f) => 1 + f / 1000);
    const smoothed = smoothPowerSpectrum(ramp, BIN_HZ, targets, { octaveFraction: 3 });
    targets.forEach((f, i) => {
      const centre = (f * 2 ** (-1 / 6) + f * 2 ** (1 / 6)) / 2;
      expect(smoothed[i], `${f} Hz`).toBeCloseTo(db(1 + centre / 1000), 9);
    });
  });

  it('averages a comb filter to its analytic band power, not a dB mean', () => {
    // |1 + g e^{-j w tau}|^2 = 1 + g^2 + 2 g cos(2 pi f tau): its mean over [a, b] is
    // 1 + g^2 + 2 g (sin(2 pi b tau) - sin(2 pi a tau)) / (2 pi tau (b - a)).
    const g = -0.5;
    const tau = 0.0031;
    const comb = spectrum((f) => 1 + g * g + 2 * g * Math.cos(2 * Math.PI * f * tau));
    for (const fraction of [1, 3, 6, 24]) {
      const smoothed = smoothPowerSpectrum(comb, BIN_HZ, targets, { octaveFraction: fraction });
      targets.forEach((f, i) => {
        const a = f * 2 ** (-1 / (2 * fraction));
        const b = f * 2 ** (1 / (2 * fraction));
        if (b > (BINS - 1) * BIN_HZ) return; // the band runs past the spectrum's end
        const mean =
          1 +
          g * g +
          (2 * g * (Math.sin(2 * Math.PI * b * tau) - Math.sin(2 * Math.PI * a * tau))) /
            (2 * Math.PI * tau * (b - a));
        // Linear interpolation of the cosine between 0.25 Hz bins: errors of order 1e-5 dB.
        expect(Math.abs(smoothed[i]! - db(mean)), `1/${fraction} at ${f} Hz`).toBeLessThan(1e-3);
      });
    }
  });

  it('reads bands narrower than a bin and edges between bins exactly', () => {
    const coarse = Float64Array.from({ length: 2001 }, (_, k) => 1 + (k * 10) / 1000); // 10 Hz bins, linear
    const smoothed = smoothPowerSpectrum(coarse, 10, [20, 23, 1003.7], { octaveFraction: 48 });
    [20, 23, 1003.7].forEach((f, i) => {
      const centre = (f * 2 ** (-1 / 96) + f * 2 ** (1 / 96)) / 2;
      expect(smoothed[i]).toBeCloseTo(db(1 + centre / 1000), 9);
    });
  });

  it('takes the psychoacoustic mean as the cube root of the mean cubed magnitude', () => {
    // |H| = 1 below 1 kHz and 2 above: over 1/6 octave at 1 kHz, 56.1 Hz at 1 and 59.5 Hz at 2.
    const step = spectrum((f) => (f < 1000 ? 1 : 4));
    const lo = 1000 * 2 ** (-1 / 12);
    const hi = 1000 * 2 ** (1 / 12);
    const wLow = (1000 - lo) / (hi - lo);
    const wHigh = (hi - 1000) / (hi - lo);
    const cubic = 20 * Math.log10(Math.cbrt(wLow * 1 + wHigh * 8));
    const power = db(wLow * 1 + wHigh * 4);
    const [psycho] = smoothPowerSpectrum(step, BIN_HZ, [1000], 'psychoacoustic');
    const [sixth] = smoothPowerSpectrum(step, BIN_HZ, [1000], { octaveFraction: 6 });
    // The step is spread over one 0.25 Hz bin: within 0.01 dB.
    expect(Math.abs(psycho! - cubic)).toBeLessThan(0.01);
    expect(Math.abs(sixth! - power)).toBeLessThan(0.01);
    expect(psycho!).toBeGreaterThan(sixth!);
  });

  it('rejects smoothing outside 1/1 to 1/48 octave', () => {
    for (const octaveFraction of [0.5, 96, Number.NaN]) {
      let code = 'no error';
      try {
        smoothPowerSpectrum(
          spectrum(() => 1),
          BIN_HZ,
          [1000],
          { octaveFraction },
        );
      } catch (error) {
        code = isLatheError(error) ? error.code : String(error);
      }
      expect(code).toBe('LATHE_CALIBRATION_INPUT_INVALID');
    }
  });
});

describe('smoothResponse', () => {
  const hz = Float64Array.from({ length: 479 }, (_, i) => 20 * 1000 ** (i / 478));

  it("averages power over log frequency: a 3 dB/octave slope reads the band's mean of 2^x", () => {
    // Power = f / 1 kHz: over [x - w/2, x + w/2] in octaves the mean of 2^x is
    // 2^x (2^(w/2) - 2^(-w/2)) / (w ln 2).
    const response = { hz, db: hz.map((f) => db(f / 1000)) };
    const smoothed = smoothResponse(response, { octaveFraction: 3 });
    const w = 1 / 3;
    const factor = (2 ** (w / 2) - 2 ** (-w / 2)) / (w * Math.LN2);
    for (let i = 40; i < hz.length - 40; i += 37) {
      // Trapezoids on the 1/48-octave grid: within 1e-4 dB.
      expect(Math.abs(smoothed.db[i]! - db((hz[i]! / 1000) * factor))).toBeLessThan(1e-4);
    }
    // Constant in, constant out, even at the edges.
    const flat = smoothResponse({ hz, db: hz.map(() => -3) }, 'variable');
    for (const value of flat.db) expect(value).toBeCloseTo(-3, 9);
  });
});

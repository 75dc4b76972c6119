import { describe, expect, it } from 'vitest';
import { kWeightingCoefficients, kWeightingGainDb } from '../../../engine/meters/loudness/k-weighting.ts';

// BS.1770-5 Annex 1 Tables 1 and 2 (48 kHz), [b0, b1, b2, a1, a2] per stage.
const TABLE_48K = [
  1.53512485958697, -2.69169618940638, 1.19839281085285, -1.69065929318241, 0.73248077421585, 1.0, -2.0, 1.0,
  -1.99004745483398, 0.99007225036621,
];
// libebur128's derivation at 44.1 kHz (dsp-and-loudness.md §1.1).
const TABLE_44K1 = [
  1.53084123005035, -2.65097999515473, 1.16907907992159, -1.66365511325602, 0.71259542807323, 1.0, -2.0, 1.0,
  -1.9891696736298, 0.98919903578704,
];
// K-gain anchors (dB) at 997 Hz, 1 kHz, 100 Hz, 10 kHz, from §1.1.
const ANCHORS: [number, number[]][] = [
  [44100, [0.6938, 0.7005, -1.13, 4.046]],
  [48000, [0.691, 0.6977, -1.133, 4.042]],
  [96000, [0.6737, 0.6804, -1.155, 4.02]],
  [192000, [0.6639, 0.6707, -1.166, 4.009]],
];
const ANCHOR_FREQUENCIES = [997, 1000, 100, 10000];

describe('K-weighting', () => {
  it('reproduces the BS.1770 48 kHz table from the analogue prototype', () => {
    const c = kWeightingCoefficients(48000);
    TABLE_48K.forEach((value, i) => {
      expect(Math.abs(c[i]! - value), `coefficient ${i}`).toBeLessThan(1e-12);
    });
  });

  it('gives the 44.1 kHz coefficients of the reference derivation', () => {
    const c = kWeightingCoefficients(44100);
    TABLE_44K1.forEach((value, i) => {
      expect(Math.abs(c[i]! - value), `coefficient ${i}`).toBeLessThan(1e-12);
    });
  });

  it.each(ANCHORS)('matches the gain anchors at %i Hz (analytic response)', (rate, gains) => {
    const c = kWeightingCoefficients(rate);
    ANCHOR_FREQUENCIES.forEach((f, i) => {
      // The anchors are printed to 3-4 decimals; the half-unit of the last printed digit is
      // the honest bound, and it is within the brief's 0.001 dB.
      const printedStep = Math.abs(gains[i]!) >= 1 ? 0.001 : 0.0001;
      expect(Math.abs(kWeightingGainDb(c, f, rate) - gains[i]!), `${f} Hz`).toBeLessThanOrEqual(
        printedStep / 2 + 1e-9,
      );
    });
  });

  it('is stable with sensible gains at an odd rate (69313 Hz)', () => {
    const c = kWeightingCoefficients(69313);
    expect(Math.abs(kWeightingGainDb(c, 997, 69313) - 0.68)).toBeLessThan(0.02);
    // Poles inside the unit circle: |a2| < 1 and |a1| < 1 + a2 for both stages.
    for (const o of [0, 5]) {
      expect(Math.abs(c[o + 4]!)).toBeLessThan(1);
      expect(Math.abs(c[o + 3]!)).toBeLessThan(1 + c[o + 4]!);
    }
  });
});

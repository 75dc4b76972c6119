import { describe, expect, it } from 'vitest';
import {
  K_SCALES,
  kReading,
  kReadingToDbfs,
  kScale,
  kZone,
  kZoneBoundsDbfs,
} from '../../../engine/meters/k-scale.ts';
import { dbfsToMeanSquare, meanSquareToDbfs } from '../../../engine/meters/aes17-level.ts';

describe('K-System scales (Katz)', () => {
  it('puts 0 at -20, -14 and -12 dB FS RMS and full scale at +20, +14, +12', () => {
    expect(K_SCALES.map((scale) => scale.name)).toEqual(['K-20', 'K-14', 'K-12']);
    for (const [name, reference] of [
      ['K-20', -20],
      ['K-14', -14],
      ['K-12', -12],
    ] as const) {
      const scale = kScale(name);
      expect(kReading(scale, reference)).toBe(0);
      expect(kReading(scale, 0)).toBe(-reference);
      expect(scale.topReading).toBe(-reference);
      expect(kReadingToDbfs(scale, 3)).toBe(reference + 3);
    }
    // The same -17 dB FS RMS programme on each scale.
    expect(kReading(kScale('K-20'), -17)).toBe(3);
    expect(kReading(kScale('K-14'), -17)).toBe(-3);
    expect(kReading(kScale('K-12'), -17)).toBe(-5);
  });

  it('colours green below 0, amber from 0 to +4 inclusive, red above +4', () => {
    expect(kZone(-30)).toBe('green');
    expect(kZone(-0.01)).toBe('green');
    expect(kZone(0)).toBe('amber');
    expect(kZone(2)).toBe('amber');
    expect(kZone(4)).toBe('amber');
    expect(kZone(4.01)).toBe('red');
    expect(kZone(20)).toBe('red');
    expect(kZoneBoundsDbfs(kScale('K-14'))).toEqual({ amberFromDbfs: -14, redAboveDbfs: -10 });
    expect(kZoneBoundsDbfs(kScale('K-20'))).toEqual({ amberFromDbfs: -20, redAboveDbfs: -16 });
    expect(kZoneBoundsDbfs(kScale('K-12'))).toEqual({ amberFromDbfs: -12, redAboveDbfs: -8 });
  });

  it('uses the AES17 RMS reference: a full-scale sine (mean square 1/2) is 0 dB FS', () => {
    expect(meanSquareToDbfs(0.5)).toBe(0);
    expect(meanSquareToDbfs(1)).toBeCloseTo(3.0103, 4); // full-scale square wave
    expect(meanSquareToDbfs(0)).toBe(-Infinity);
    expect(dbfsToMeanSquare(-20)).toBeCloseTo(0.005, 15);
  });
});

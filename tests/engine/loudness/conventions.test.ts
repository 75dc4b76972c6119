import { describe, expect, it } from 'vitest';
import { measureLoudness } from '../../../engine/meters/loudness/measure-loudness.ts';
import { tone } from '../../support/ebu-signals.ts';

// dsp-and-loudness.md §1.2 (libebur128 readings on the same signals).
const CASES: [string, number, number, number][] = [
  ['997 Hz stereo', 997, 2, -23.0],
  ['1 kHz stereo', 1000, 2, -22.993],
  ['1 kHz mono', 1000, 1, -26.004],
];

describe('level conventions (-23 dBFS peak sine, 20 s, 48 kHz)', () => {
  it.each(CASES)('%s reads %d LUFS', (_name, frequency, channelCount, expected) => {
    const { integrated, maxMomentary, maxShortTerm } = measureLoudness(
      tone(48000, channelCount, [{ seconds: 20, db: -23 }], frequency),
    );
    expect(Math.abs(integrated - expected)).toBeLessThan(0.01);
    expect(Math.abs(maxShortTerm - expected)).toBeLessThan(0.01);
    expect(Math.abs(maxMomentary - expected)).toBeLessThan(0.01);
  });

  it('997 Hz at 0 dBFS mono reads -3.01', () => {
    const { integrated } = measureLoudness(tone(48000, 1, [{ seconds: 5, db: 0 }], 997));
    expect(Math.abs(integrated - -3.01)).toBeLessThan(0.01);
  });
});

import { describe, expect, it } from 'vitest';
import { measureLoudness } from '../../../engine/meters/loudness/measure-loudness.ts';
import { TECH_3342_EXPECTED, tech3342 } from '../../support/ebu-signals.ts';

const RATES = [48000, 44100, 96000, 69313];

describe.each(RATES)('Tech 3342 loudness range, synthesized at %i Hz', (rate) => {
  it.each([1, 2, 3, 4] as const)('case %i', (caseNumber) => {
    const expected = TECH_3342_EXPECTED[caseNumber];
    const { range } = measureLoudness(tech3342(caseNumber, rate));
    // The standard allows +-1 LU; libebur128 and ffmpeg read these exactly, and so should we
    // (0.01 LU bins).
    expect(Math.abs(range - expected), `LRA ${range} vs ${expected}`).toBeLessThanOrEqual(0.1);
  });
});

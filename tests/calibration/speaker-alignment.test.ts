import { describe, expect, it } from 'vitest';
import { designHighShelf, designPeaking, isLatheError } from '../../engine/index.ts';
import { FULL_BAND_HZ, pinkNoise } from '../../calibration/pink-noise.ts';
import {
  alignmentDelays,
  distanceToSeconds,
  levelTrims,
  SPEED_OF_SOUND_M_PER_S,
} from '../../calibration/speaker-alignment.ts';

const RATE = 48000;

function expectInputError(action: () => unknown, message?: RegExp): void {
  let caught: unknown;
  try {
    action();
  } catch (error) {
    caught = error;
  }
  expect(isLatheError(caught)).toBe(true);
  if (!isLatheError(caught)) return;
  expect(caught.code).toBe('LATHE_CALIBRATION_INPUT_INVALID');
  if (message) expect(caught.message).toMatch(message);
}

describe('delay alignment (reference §8.2: speakers at 1.70, 1.85 and 2.10 m, c = 343 m/s)', () => {
  const distances = [1.7, 1.85, 2.1];
  // A common system latency (soundcard, loopback) that alignment must ignore.
  const latency = 0.0123;
  const arrivals = distances.map((d) => latency + d / 343);

  it('delays the nearer speakers so every arrival lands with the farthest, within ±1 sample at 48 kHz', () => {
    const delays = alignmentDelays(arrivals, { unit: 'seconds', sampleRate: RATE });
    const aligned = arrivals.map((arrival, i) => arrival * RATE + delays[i]!.delaySamples);
    for (const value of aligned) expect(Math.abs(value - aligned[2]!)).toBeLessThanOrEqual(1);
    // Fractional delays: in fact exact, well inside the ±0.1 sample of a sub-sample delay.
    for (const value of aligned) expect(Math.abs(value - aligned[2]!)).toBeLessThan(0.1);
    // The analytic delays: (2.10 - d) / 343 s.
    distances.forEach((d, i) => {
      const expectedSamples = ((2.1 - d) / 343) * RATE;
      expect(Math.abs(delays[i]!.delaySamples - expectedSamples)).toBeLessThan(1e-6);
      expect(Math.abs(delays[i]!.delayMs - ((2.1 - d) / 343) * 1000)).toBeLessThan(1e-9);
    });
    expect(delays[2]!.delaySamples).toBe(0);
    expect(delays.every((delay) => delay.delaySamples >= 0)).toBe(true);
  });

  // The reference lists 4.96, 5.40 and 6.12 ms; 1.85 m / 343 m/s is 5.394 ms, so 5.39.
  it('gives the arrival times 4.96, 5.39 and 6.12 ms (distance / 343 m/s)', () => {
    expect(SPEED_OF_SOUND_M_PER_S).toBe(343);
    expect(distances.map((d) => distanceToSeconds(d) * 1000).map((ms) => ms.toFixed(2))).toEqual([
      '4.96',
      '5.39',
      '6.12',
    ]);
  });

  it('takes arrivals in whole samples (an IR peak estimator) and stays within ±1 sample', () => {
    const samples = arrivals.map((arrival) => Math.round(arrival * RATE));
    const delays = alignmentDelays(samples, { unit: 'samples', sampleRate: RATE });
    arrivals.forEach((arrival, i) => {
      const landed = arrival * RATE + delays[i]!.delaySamples;
      expect(Math.abs(landed - arrivals[2]! * RATE)).toBeLessThanOrEqual(1);
      expect(delays[i]!.delayMs).toBeCloseTo((delays[i]!.delaySamples / RATE) * 1000, 12);
    });
  });

  it('moves exactly one speaker by one sample when its arrival moves by one sample', () => {
    const samples = arrivals.map((arrival) => arrival * RATE);
    const before = alignmentDelays(samples, { unit: 'samples', sampleRate: RATE });
    const after = alignmentDelays([samples[0]! + 1, samples[1]!, samples[2]!], {
      unit: 'samples',
      sampleRate: RATE,
    });
    expect(before[0]!.delaySamples - after[0]!.delaySamples).toBeCloseTo(1, 9);
    expect(after[1]!.delaySamples).toBeCloseTo(before[1]!.delaySamples, 9);
    expect(after[2]!.delaySamples).toBe(0);
  });

  it('refuses empty or non-finite arrivals and a bad rate', () => {
    expectInputError(() => alignmentDelays([], { unit: 'seconds', sampleRate: RATE }), /no speakers/);
    expectInputError(() => alignmentDelays([0.005, NaN], { unit: 'seconds', sampleRate: RATE }), /speaker 2/);
    expectInputError(() => alignmentDelays([0.005], { unit: 'seconds', sampleRate: 0 }), /sample rate/);
  });
});

/** Direct-form II transposed biquad over a whole signal (the test's own filter). */
function filtered(input: Float32Array, coefficients: Float64Array): Float64Array {
  const [b0, b1, b2, a1, a2] = coefficients as unknown as [number, number, number, number, number];
  const out = new Float64Array(input.length);
  let z1 = 0;
  let z2 = 0;
  for (let i = 0; i < input.length; i++) {
    const x = input[i]!;
    const y = b0 * x + z1;
    z1 = b1 * x - a1 * y + z2;
    z2 = b2 * x - a2 * y;
    out[i] = y;
  }
  return out;
}

function levelDb(signal: Float64Array, start: number): number {
  let sum = 0;
  for (let i = start; i < signal.length; i++) sum += signal[i]! * signal[i]!;
  return 10 * Math.log10(sum / (signal.length - start));
}

describe('level trims (reference §8.2: speaker gains 0, -1.7 and +2.3 dB, matched within ±0.1 dB)', () => {
  const gainsDb = [0, -1.7, 2.3];
  /**
   * Three speakers that also differ outside the 500 Hz-2 kHz band, where a trim must not look:
   * a +8 dB room mode at 60 Hz on the first, a -12 dB treble shelf at 14 kHz on the second.
   */
  function speakerOutputs(noise: Float32Array): Float64Array[] {
    const mode = new Float64Array(5);
    designPeaking(mode, 0, 60, 8, 4, RATE);
    const shelf = new Float64Array(5);
    designHighShelf(shelf, 0, 14000, -12, Math.SQRT1_2, RATE);
    const flat = new Float64Array([1, 0, 0, 0, 0]);
    return [mode, shelf, flat].map((coefficients, i) => {
      const out = filtered(noise, coefficients);
      const gain = Math.pow(10, gainsDb[i]! / 20);
      for (let k = 0; k < out.length; k++) out[k] = out[k]! * gain;
      return out;
    });
  }
  const settle = RATE; // skip the ramp and the filters' settling

  it('trims from 500 Hz-2 kHz pink noise bring every speaker to the quietest within ±0.1 dB', () => {
    const noise = pinkNoise({ sampleRate: RATE, frames: 4 * RATE, seed: 3 });
    const levels = speakerOutputs(noise).map((out) => levelDb(out, settle));
    const trims = levelTrims(levels);
    const trimmed = gainsDb.map((gain, i) => gain + trims[i]!);
    for (const level of trimmed) expect(Math.abs(level - trimmed[1]!)).toBeLessThanOrEqual(0.1);
    // Analytic: the quietest (-1.7 dB) stays, the others come down to it.
    [-1.7, 0, -4.0].forEach((expected, i) => {
      expect(Math.abs(trims[i]! - expected)).toBeLessThanOrEqual(0.1);
    });
    expect(trims.every((trim) => trim <= 0)).toBe(true);
  });

  it('negative control: full-band noise lets the out-of-band differences spoil the match', () => {
    const noise = pinkNoise({ sampleRate: RATE, frames: 4 * RATE, seed: 3, ...FULL_BAND_HZ });
    const trims = levelTrims(speakerOutputs(noise).map((out) => levelDb(out, settle)));
    const trimmed = gainsDb.map((gain, i) => gain + trims[i]!);
    expect(Math.max(...trimmed) - Math.min(...trimmed)).toBeGreaterThan(0.1);
  });

  it('a higher reference needs boost: refused by default, allowed up to the limit', () => {
    const levels = [-20, -21.7, -17.7];
    expectInputError(() => levelTrims(levels, { referenceDb: -17.7 }), /speaker 1 needs 2\.30 dB of boost/);
    const trims = levelTrims(levels, { referenceDb: -17.7, maxBoostDb: 6 });
    expect(trims[0]).toBeCloseTo(2.3, 12);
    expect(trims[1]).toBeCloseTo(4, 12);
    expect(trims[2]).toBe(0);
    expectInputError(() => levelTrims(levels, { referenceDb: -17.7, maxBoostDb: 3 }), /speaker 2/);
  });

  it('refuses empty or non-finite levels and a negative boost limit', () => {
    expectInputError(() => levelTrims([]), /no speakers/);
    expectInputError(() => levelTrims([-20, Infinity]), /speaker 2/);
    expectInputError(() => levelTrims([-20], { maxBoostDb: -1 }), /maximum boost/);
  });
});

import FFT from 'fft.js';
import { describe, expect, it } from 'vitest';
import {
  estimateSweepParameters,
  exponentialSweepInverse,
  generateExponentialSweep,
  harmonicLeadSeconds,
} from '../../calibration/exponential-sweep.ts';
import { isLatheError } from '../../engine/index.ts';

/** Rising zero crossings of x between two sample indices, interpolated. */
function risingCrossings(x: Float64Array, from: number, to: number): number[] {
  const out: number[] = [];
  for (let i = from + 1; i < to; i++)
    if (x[i - 1]! < 0 && x[i]! >= 0) out.push(i - 1 + x[i - 1]! / (x[i - 1]! - x[i]!));
  return out;
}

function rms(x: Float64Array, from: number, to: number): number {
  let sum = 0;
  for (let i = from; i < to; i++) sum += x[i]! * x[i]!;
  return Math.sqrt(sum / (to - from));
}

function codeOf(work: () => unknown): string {
  try {
    work();
  } catch (error) {
    return isLatheError(error) ? error.code : String(error);
  }
  return 'no error';
}

describe('generateExponentialSweep', () => {
  it('sweeps start/2 to 2 x end, capped at Nyquist (REW), or exactly the asked range', () => {
    const at48 = generateExponentialSweep({ sampleRate: 48000, seconds: 1 });
    expect([at48.startHz, at48.endHz]).toEqual([10, 24000]);
    expect([at48.requestedStartHz, at48.requestedEndHz]).toEqual([20, 20000]);
    const at96 = generateExponentialSweep({ sampleRate: 96000, seconds: 1 });
    expect([at96.startHz, at96.endHz]).toEqual([10, 40000]);
    const exact = generateExponentialSweep({
      sampleRate: 44100,
      seconds: 1,
      startHz: 50,
      endHz: 5000,
      extendRange: false,
    });
    expect([exact.startHz, exact.endHz]).toEqual([50, 5000]);
    expect(exact.samples.length).toBe(44100);
    expect(exact.rateSeconds).toBeCloseTo(1 / Math.log(100), 12);
  });

  it("has Farina's phase 2 pi f1 L (e^(t/L) - 1): cycles between crossings as the formula counts them", () => {
    const rate = 48000;
    const sweep = generateExponentialSweep({ sampleRate: rate, seconds: 2 });
    const x = sweep.samples;
    const cyclesBefore = (index: number): number =>
      sweep.startHz * sweep.rateSeconds * Math.expm1(index / rate / sweep.rateSeconds);
    for (const [from, to] of [
      [0.3, 0.6],
      [0.9, 1.0],
      [1.5, 1.52],
      [1.8, 1.805],
    ] as const) {
      const crossings = risingCrossings(x, Math.round(from * rate), Math.round(to * rate));
      const first = crossings[0]!;
      const last = crossings[crossings.length - 1]!;
      // Rising crossings fall on whole cycles of the phase; linear interpolation between samples
      // times them to a small fraction of a sample.
      expect(
        Math.abs(cyclesBefore(last) - cyclesBefore(first) - (crossings.length - 1)),
        `${from}-${to} s`,
      ).toBeLessThan(0.01);
      expect(Math.abs(cyclesBefore(first) - Math.round(cyclesBefore(first)))).toBeLessThan(0.01);
    }
  });

  it('plays at the asked RMS level (sine RMS re full scale), with fades at both ends', () => {
    const sweep = generateExponentialSweep({ sampleRate: 48000, seconds: 1, levelDbfs: -12 });
    const x = sweep.samples;
    const fadeIn = Math.round(sweep.fadeInSeconds * 48000);
    const fadeOut = Math.round(sweep.fadeOutSeconds * 48000);
    // Over 30-90 % of the sweep (100 Hz to 11 kHz): clear of the fades, of Nyquist (where a
    // sine's samples no longer square-average to 1/2) and of the slow low cycles (whose partial
    // cycles at the ends tip the mean by up to 0.03 dB).
    expect(fadeIn).toBeGreaterThan(0);
    expect(
      Math.abs(20 * Math.log10(rms(x, Math.round(0.3 * x.length), Math.round(0.9 * x.length))) - -12),
    ).toBeLessThan(0.01);
    expect(fadeOut).toBeGreaterThan(0);
    expect(sweep.amplitude).toBeCloseTo(Math.SQRT2 * 10 ** (-12 / 20), 12);
    expect(x[0]).toBe(0);
    expect(Math.abs(x[x.length - 1]!)).toBeLessThan(1e-3 * sweep.amplitude);
    // Default fades: the first half octave and the last 1/12 octave of the sweep.
    expect(sweep.fadeInSeconds).toBeCloseTo(sweep.rateSeconds * Math.log(Math.SQRT2), 12);
    expect(sweep.fadeOutSeconds).toBeCloseTo((sweep.rateSeconds * Math.log(2)) / 12, 12);
    let peak = 0;
    for (const v of x) peak = Math.max(peak, Math.abs(v));
    expect(peak).toBeLessThanOrEqual(sweep.amplitude);
    // The loudest allowed level puts the sine's peaks at full scale.
    const loudest = generateExponentialSweep({ sampleRate: 48000, seconds: 1, levelDbfs: -3.0103 });
    expect(loudest.amplitude).toBeLessThanOrEqual(1);
  });

  it('rejects a clipping level, a bad range or length', () => {
    expect(codeOf(() => generateExponentialSweep({ sampleRate: 48000, seconds: 1, levelDbfs: -2 }))).toBe(
      'LATHE_CALIBRATION_INPUT_INVALID',
    );
    expect(
      codeOf(() => generateExponentialSweep({ sampleRate: 48000, seconds: 1, startHz: 1000, endHz: 100 })),
    ).toBe('LATHE_CALIBRATION_INPUT_INVALID');
    expect(codeOf(() => generateExponentialSweep({ sampleRate: 48000, seconds: 1, endHz: 30000 }))).toBe(
      'LATHE_CALIBRATION_INPUT_INVALID',
    );
    expect(codeOf(() => generateExponentialSweep({ sampleRate: 48000, seconds: 0 }))).toBe(
      'LATHE_CALIBRATION_INPUT_INVALID',
    );
  });
});

describe('exponentialSweepInverse', () => {
  it('turns the sweep into a unit impulse at length - 1: flat within 0.05 dB from 40 Hz to 20 kHz', () => {
    const rate = 48000;
    const sweep = generateExponentialSweep({ sampleRate: rate, seconds: 2 });
    const inverse = exponentialSweepInverse(sweep);
    const n = sweep.samples.length;
    let size = 2;
    while (size < 2 * n) size *= 2;
    // Convolution by FFT, written out here (independent of the deconvolution code).
    const fft = new FFT(size);
    const a = new Float64Array(2 * size);
    const b = new Float64Array(2 * size);
    const padA = new Float64Array(size);
    const padB = new Float64Array(size);
    padA.set(sweep.samples);
    padB.set(inverse);
    fft.realTransform(a, padA);
    fft.realTransform(b, padB);
    let worstAbove40 = 0;
    let worst20to40 = 0;
    for (let k = 0; k <= size / 2; k++) {
      const f = (k * rate) / size;
      if (f < 20 || f > 20000) continue;
      const re = a[2 * k]! * b[2 * k]! - a[2 * k + 1]! * b[2 * k + 1]!;
      const im = a[2 * k]! * b[2 * k + 1]! + a[2 * k + 1]! * b[2 * k]!;
      const error = Math.abs(10 * Math.log10(re * re + im * im));
      if (f >= 40) worstAbove40 = Math.max(worstAbove40, error);
      else worst20to40 = Math.max(worst20to40, error);
      // The product's phase is that of a delay of n - 1 samples.
      const phase = Math.atan2(im, re) + (2 * Math.PI * k * (n - 1)) / size;
      if (f >= 40)
        expect(
          Math.abs(Math.atan2(Math.sin(phase), Math.cos(phase))),
          `phase at ${f.toFixed(1)} Hz`,
        ).toBeLessThan(0.01);
    }
    // Measured: 0.018 dB above 40 Hz. Below, the fade-in's ripple (not inverted by Farina's
    // analytic filter) reaches 0.8 dB at 20 Hz for this 2 s sweep: why deconvolveSweep divides
    // by the sweep's exact spectrum instead.
    expect(worstAbove40).toBeLessThanOrEqual(0.05);
    expect(worst20to40).toBeGreaterThan(0.3);
  });

  it('puts harmonic k at L ln k before the linear response', () => {
    expect(harmonicLeadSeconds(0.7, 2)).toBeCloseTo(0.7 * Math.LN2, 14);
    expect(harmonicLeadSeconds(0.7, 3)).toBeCloseTo(0.7 * Math.log(3), 14);
  });
});

describe('estimateSweepParameters', () => {
  for (const rate of [44100, 48000, 96000]) {
    it(`reads L, start and end back from a sweep's samples at ${rate} Hz`, () => {
      const sweep = generateExponentialSweep({ sampleRate: rate, seconds: 1.5 });
      const estimate = estimateSweepParameters(sweep.samples, rate);
      expect(estimate.rateSeconds / sweep.rateSeconds).toBeCloseTo(1, 3);
      // Start and end are read where the fades rise above -80 dB: within 2 %.
      expect(Math.abs(estimate.startHz / sweep.startHz - 1)).toBeLessThan(0.02);
      expect(Math.abs(estimate.endHz / sweep.endHz - 1)).toBeLessThan(0.02);
    });
  }

  it('skips silence around the sweep, and rejects a silent file', () => {
    const sweep = generateExponentialSweep({
      sampleRate: 48000,
      seconds: 1,
      startHz: 40,
      endHz: 16000,
      extendRange: false,
    });
    const padded = new Float64Array(sweep.samples.length + 24000);
    padded.set(sweep.samples, 12000);
    const estimate = estimateSweepParameters(padded, 48000);
    expect(estimate.rateSeconds / sweep.rateSeconds).toBeCloseTo(1, 3);
    expect(Math.abs(estimate.startHz / 40 - 1)).toBeLessThan(0.02);
    expect(codeOf(() => estimateSweepParameters(new Float64Array(1000), 48000))).toBe(
      'LATHE_CALIBRATION_INPUT_INVALID',
    );
  });
});

import FFT from 'fft.js';
import { describe, expect, it } from 'vitest';
import { isLatheError } from '../../engine/index.ts';
import { CALIBRATION_BAND_HZ, FULL_BAND_HZ, pinkNoise } from '../../calibration/pink-noise.ts';
import {
  calibrateSpl,
  cWeightingDb,
  pinkNoiseCWeightingDb,
  splFromMicrophone,
  type SplReading,
} from '../../calibration/spl-calibration.ts';

/**
 * The test's own C-weighting, written from IEC 61672-1:2013 Annex E (poles 20.598997 Hz and
 * 12194.217 Hz, +0.062 dB so that 1 kHz reads 0): the truth a C-weighted meter applies.
 */
function iecC(hz: number): number {
  const f1 = 20.598997;
  const f4 = 12194.217;
  const rc = (f4 ** 2 * hz ** 2) / ((hz ** 2 + f1 ** 2) * (hz ** 2 + f4 ** 2));
  return 20 * Math.log10(rc) + 0.062;
}

/** Welch PSD (Hann frames of `size`, half overlapping) of a Float64Array. */
function welch(signal: Float64Array, start: number, size: number): Float64Array {
  const fft = new FFT(size);
  const frame = new Float64Array(size);
  const spectrum = fft.createComplexArray() as number[];
  const psd = new Float64Array(size / 2 + 1);
  for (let at = start; at + size <= signal.length; at += size / 2) {
    for (let i = 0; i < size; i++)
      frame[i] = signal[at + i]! * (0.5 - 0.5 * Math.cos((2 * Math.PI * i) / size));
    fft.realTransform(spectrum, frame);
    for (let k = 0; k <= size / 2; k++) psd[k]! += spectrum[2 * k]! ** 2 + spectrum[2 * k + 1]! ** 2;
  }
  return psd;
}

/** What a C-weighted meter adds to the flat level of `signal` (dB), from its spectrum. */
function cWeightingOffsetOf(signal: Float64Array, start: number, rate: number): number {
  const size = 8192;
  const psd = welch(signal, start, size);
  let flat = 0;
  let weighted = 0;
  for (let k = 1; k <= size / 2; k++) {
    flat += psd[k]!;
    weighted += psd[k]! * Math.pow(10, iecC((k * rate) / size) / 10);
  }
  return 10 * Math.log10(weighted / flat);
}

function meanSquare(signal: Float64Array, start: number): number {
  let sum = 0;
  for (let i = start; i < signal.length; i++) sum += signal[i]! * signal[i]!;
  return sum / (signal.length - start);
}

function expectInputError(action: () => unknown, message: RegExp): void {
  let caught: unknown;
  try {
    action();
  } catch (error) {
    caught = error;
  }
  expect(isLatheError(caught) && caught.code).toBe('LATHE_CALIBRATION_INPUT_INVALID');
  expect((caught as Error).message).toMatch(message);
}

describe('C-weighting', () => {
  // IEC 61672-1 Table 3, C-weighting, at the exact base-ten frequencies 1000 * 10^(n/10).
  it.each([
    [-20, -14.3],
    [-17, -6.2],
    [-15, -3.0],
    [-12, -0.8],
    [-9, -0.2],
    [-6, 0.0],
    [-3, 0.0],
    [0, 0.0],
    [3, -0.2],
    [6, -0.8],
    [9, -3.0],
    [12, -8.5],
    [13, -11.2],
  ])('band %i reads the IEC 61672-1 table value %f dB (to its 0.1 dB rounding)', (n, tableDb) => {
    expect(Math.abs(cWeightingDb(1000 * Math.pow(10, n / 10)) - tableDb)).toBeLessThanOrEqual(0.051);
  });

  it.each([
    ['500 Hz-2 kHz', CALIBRATION_BAND_HZ],
    ['20 Hz-20 kHz', FULL_BAND_HZ],
  ])('the meter offset for %s pink noise equals the weighting applied to the noise itself', (_, band) => {
    // One whole period of the noise (power-of-two length, no ramp): its DFT is its exact
    // spectrum, with no window smearing the band edges.
    const rate = 48000;
    const size = 1 << 18;
    const noise = pinkNoise({ sampleRate: rate, frames: size, seed: 5, rampSeconds: 0, ...band });
    const fft = new FFT(size);
    const spectrum = fft.createComplexArray() as number[];
    fft.realTransform(spectrum, Float64Array.from(noise));
    let flat = 0;
    let weighted = 0;
    for (let k = 1; k < size / 2; k++) {
      const power = spectrum[2 * k]! ** 2 + spectrum[2 * k + 1]! ** 2;
      flat += power;
      weighted += power * Math.pow(10, iecC((k * rate) / size) / 10);
    }
    const measured = 10 * Math.log10(weighted / flat);
    expect(Math.abs(pinkNoiseCWeightingDb(band.lowHz, band.highHz) - measured)).toBeLessThan(0.01);
  });
});

describe('SPL calibration with a meter (§7.1: 83 dB SPL, C, Slow, at the K-20 mark)', () => {
  // Speakers at 0, -1.7 and +2.3 dB around 80 dBC for -20 dB FS RMS noise.
  const readings: SplReading[] = [80, 78.3, 82.3].map((splDb) => ({ kind: 'meter', splDb }));

  it('cuts the louder speakers to the quietest and puts the K-20 mark where they read 83 dB', () => {
    const result = calibrateSpl(readings, { referenceSplDb: 83 });
    [-1.7, 0, -4].forEach((trim, i) => {
      expect(result.speakers[i]!.trimDb).toBeCloseTo(trim, 9);
    });
    expect(result.marks['K-20']).toBeCloseTo(4.7, 9);
    expect(result.marks['K-14']).toBeCloseTo(4.7 - 6, 9);
    expect(result.marks['K-12']).toBeCloseTo(4.7 - 8, 9);
    // At the K-N mark, -N dB FS RMS noise reads the reference on every speaker.
    const atMark = (i: number, scale: 'K-20' | 'K-14' | 'K-12', signalDbfs: number): number =>
      readings[i]!.kind === 'meter'
        ? (readings[i] as { splDb: number }).splDb +
          result.speakers[i]!.trimDb +
          result.marks[scale] +
          signalDbfs +
          20
        : NaN;
    for (let i = 0; i < 3; i++) {
      expect(atMark(i, 'K-20', -20)).toBeCloseTo(83, 9);
      expect(atMark(i, 'K-14', -14)).toBeCloseTo(83, 9);
      expect(atMark(i, 'K-12', -12)).toBeCloseTo(83, 9);
    }
  });

  it('with trims allowed to boost, every speaker reads 83 dB at unity monitor gain (K-20 mark 0 dB)', () => {
    const result = calibrateSpl(readings, { referenceSplDb: 83, maxTrimBoostDb: 6 });
    [3, 4.7, 0.7].forEach((trim, i) => {
      expect(result.speakers[i]!.trimDb).toBeCloseTo(trim, 9);
    });
    expect(result.marks).toEqual({ 'K-20': 0, 'K-14': -6, 'K-12': -8 });
  });

  it('85 and 79 dB references move the marks, not the balance between speakers', () => {
    const film = calibrateSpl(readings, { referenceSplDb: 85 });
    const tv = calibrateSpl(readings, { referenceSplDb: 79, maxTrimBoostDb: 6 });
    expect(film.marks['K-20']).toBeCloseTo(6.7, 9);
    // 79 dB: all three are louder than needed, so all trims cut and the marks stay at 0/-6/-8.
    [-1, -(78.3 - 79), -3.3].forEach((trim, i) => {
      expect(tv.speakers[i]!.trimDb).toBeCloseTo(trim, 9);
    });
    expect(tv.marks).toEqual({ 'K-20': 0, 'K-14': -6, 'K-12': -8 });
    film.speakers.forEach((speaker, i) => {
      expect(speaker.trimDb - film.speakers[0]!.trimDb).toBeCloseTo(
        tv.speakers[i]!.trimDb - tv.speakers[0]!.trimDb,
        9,
      );
    });
  });

  it('accounts for a reading made at another noise level or with gain in the path', () => {
    const result = calibrateSpl([{ kind: 'meter', splDb: 68.5, signalDbfs: -30, gainDb: -1.5 }], {
      referenceSplDb: 83,
    });
    // 68.5 dB at -30 dB FS through -1.5 dB: 80 dB for -20 dB FS at unity.
    expect(result.speakers[0]!.splDb).toBeCloseTo(80, 9);
    expect(result.marks['K-20']).toBeCloseTo(3, 9);
  });

  it('refuses bad input', () => {
    expectInputError(() => calibrateSpl([], { referenceSplDb: 83 }), /no speakers/);
    expectInputError(() => calibrateSpl(readings, { referenceSplDb: 50 }), /reference/);
    expectInputError(
      () => calibrateSpl([{ kind: 'meter', splDb: NaN }], { referenceSplDb: 83 }),
      /speaker 1/,
    );
    expectInputError(() => calibrateSpl(readings, { referenceSplDb: 83, maxTrimBoostDb: -1 }), /boost/);
    expectInputError(
      () =>
        calibrateSpl([{ kind: 'microphone', recordedDbfs: -20, sensitivityDbfs: Infinity }], {
          referenceSplDb: 83,
        }),
      /sensitivity/,
    );
  });
});

describe('SPL calibration with a microphone of known sensitivity (§8.2: -40.3 dBV/Pa, within ±0.2 dB)', () => {
  const rate = 48000;
  const P_REF = 20e-6;
  const MIC_DBV_PER_PA = -40.3;
  const PREAMP_DB = 30;
  /** Interface: a sine of 1.228 V RMS (+4 dBu) reads 0 dB FS (AES17), i.e. peaks at full scale. */
  const FULL_SCALE_SINE_VRMS = 1.228;
  const voltsPerPa = Math.pow(10, MIC_DBV_PER_PA / 20) * Math.pow(10, PREAMP_DB / 20);
  /** What a 94 dB SPL calibrator (1.0024 Pa, not 1 Pa) records, dB FS: the mic's sensitivity. */
  const sensitivityDbfs =
    20 * Math.log10((voltsPerPa * P_REF * Math.pow(10, 94 / 20)) / FULL_SCALE_SINE_VRMS);

  it('gives each speaker the trim a C-weighted meter at the listening position would', () => {
    const settle = Math.round(0.5 * rate);
    const noise = pinkNoise({ sampleRate: rate, frames: 5 * rate, seed: 11 });
    // Pascals per unit of full scale, per speaker: about 80, 78.3 and 82.3 dB SPL.
    const paPerFullScale = [80, 78.3, 82.3].map((spl) => (P_REF * Math.pow(10, spl / 20)) / 0.0707);
    const ambient = pinkNoise({
      sampleRate: rate,
      frames: noise.length,
      seed: 99,
      ...FULL_BAND_HZ,
      rampSeconds: 0,
    });

    const meterTruth: number[] = [];
    const readings: SplReading[] = paPerFullScale.map((scale) => {
      const pressure = Float64Array.from(noise, (x) => x * scale);
      const flatSpl = 10 * Math.log10(meanSquare(pressure, settle) / P_REF ** 2);
      meterTruth.push(flatSpl + cWeightingOffsetOf(pressure, settle, rate));
      // The microphone also hears the room: ambient noise near 35 dB SPL, far below the signal.
      const ambientPa = (P_REF * Math.pow(10, 35 / 20)) / 0.0707;
      const recorded = Float64Array.from(
        pressure,
        (p, i) => ((p + ambient[i]! * ambientPa) * voltsPerPa) / (FULL_SCALE_SINE_VRMS * Math.SQRT2),
      );
      const recordedDbfs = 10 * Math.log10(meanSquare(recorded, settle) / 0.5);
      return { kind: 'microphone', recordedDbfs, sensitivityDbfs };
    });

    const result = calibrateSpl(readings, { referenceSplDb: 83 });
    const neededMark = Math.max(...meterTruth.map((spl) => 83 - spl));
    meterTruth.forEach((truth, i) => {
      expect(Math.abs(result.speakers[i]!.splDb - truth)).toBeLessThanOrEqual(0.2);
      expect(Math.abs(result.speakers[i]!.trimDb - (83 - truth - neededMark))).toBeLessThanOrEqual(0.2);
    });
    expect(Math.abs(result.marks['K-20'] - neededMark)).toBeLessThanOrEqual(0.2);
  });

  it('reads 94 dB SPL for the calibrator itself, and 20 dB less for a level 20 dB lower', () => {
    expect(splFromMicrophone(sensitivityDbfs, sensitivityDbfs)).toBeCloseTo(94, 12);
    expect(splFromMicrophone(sensitivityDbfs - 20, sensitivityDbfs)).toBeCloseTo(74, 12);
  });
});

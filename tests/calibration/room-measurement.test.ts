import { describe, expect, it } from 'vitest';
import { generateExponentialSweep } from '../../calibration/exponential-sweep.ts';
import { analyzeRoomMeasurement } from '../../calibration/room-measurement.ts';
import { isLatheError } from '../../engine/index.ts';
import {
  buildSyntheticRoom,
  DEFAULT_REFLECTIONS,
  seededGaussian,
} from '../support/synthetic-room-recording.ts';

/**
 * Issue 8, shown-by 1 (reference §8.2): synthetic rooms built from speaker roll-off, decaying
 * modes, reflections, a known delay and seeded noise, measured through the project's sweep,
 * deconvolution, windowing and smoothing; the recovered 1/6-octave power-smoothed response must
 * lie within 0.5 dB of the exact truth from 20 Hz to 20 kHz, and the delay within 1 sample.
 * The truth is the room's transfer function evaluated directly (tests/support), never the pipeline.
 */

const RATES = [44100, 48000, 96000] as const;
const SNRS = [60, 40, 20] as const;
const SWEEP_SECONDS = 2;

function maxError(measured: Float64Array, truth: Float64Array): number {
  let worst = 0;
  for (let i = 0; i < truth.length; i++) worst = Math.max(worst, Math.abs(measured[i]! - truth[i]!));
  return worst;
}

function codeOf(work: () => unknown): string {
  try {
    work();
  } catch (error) {
    return isLatheError(error) ? `${error.code}: ${error.message}` : String(error);
  }
  return 'no error';
}

describe('analyzeRoomMeasurement on synthetic rooms', () => {
  for (const rate of RATES) {
    it(`recovers the response within 0.5 dB and the delay within 1 sample at ${rate} Hz, 60/40/20 dB SNR`, () => {
      const sweep = generateExponentialSweep({ sampleRate: rate, seconds: SWEEP_SECONDS });
      const room = buildSyntheticRoom({ sampleRate: rate, sweep: sweep.samples, delaySamples: 120 });
      let truth: Float64Array | null = null;
      const errors: number[] = [];
      for (const snr of SNRS) {
        const result = analyzeRoomMeasurement({
          sweep: sweep.samples,
          sweepRate: rate,
          recording: room.withNoise(snr, 11),
          recordingRate: rate,
          smoothing: { octaveFraction: 6 },
        });
        truth ??= room.truthSmoothedDb(result.response.hz, 6);
        const error = maxError(result.response.db, truth);
        errors.push(error);
        expect(result.response.hz[0]).toBe(20);
        expect(result.response.hz[result.response.hz.length - 1]).toBe(20000);
        expect(error, `${rate} Hz, ${snr} dB SNR`).toBeLessThanOrEqual(0.5);
        expect(Math.abs(result.delaySamples - 120), `${rate} Hz, ${snr} dB SNR`).toBeLessThanOrEqual(1);
        expect(result.delayMs).toBeCloseTo((result.delaySamples / rate) * 1000, 12);
      }
      // Measured: 44.1 kHz 0.004/0.022/0.34 dB, 48 kHz 0.005/0.021/0.21, 96 kHz 0.010/0.016/0.11
      // at 60/40/20 dB SNR (the reference's simulation: 0.29/0.30/0.32 with a 4 s sweep). At 60 dB
      // the reference asks 0.25 dB over 40 Hz-16 kHz; this holds it over the whole band.
      expect(errors[0]).toBeLessThanOrEqual(0.25);
    });

    it(`finds a fractional delay (120.37 samples) within 1 sample at ${rate} Hz, 20 dB SNR`, () => {
      const sweep = generateExponentialSweep({ sampleRate: rate, seconds: SWEEP_SECONDS });
      const room = buildSyntheticRoom({
        sampleRate: rate,
        sweep: sweep.samples,
        delaySamples: 120.37,
        snrDb: 20,
        seed: 5,
      });
      const result = analyzeRoomMeasurement({
        sweep: sweep.samples,
        sweepRate: rate,
        recording: room.recording,
        recordingRate: rate,
        smoothing: { octaveFraction: 6 },
      });
      expect(maxError(result.response.db, room.truthSmoothedDb(result.response.hz, 6))).toBeLessThanOrEqual(
        0.5,
      );
      // The peak sits a little after the delay: the speaker's 18 kHz low-pass delays it by
      // 0.25-0.6 samples (more at higher rates). Within the acceptance's sample either way.
      expect(Math.abs(result.delaySamples - 120.37)).toBeLessThanOrEqual(1);
    });
  }

  it('fails against a room whose reflection is twice as strong (the check can fail)', () => {
    const rate = 48000;
    const sweep = generateExponentialSweep({ sampleRate: rate, seconds: SWEEP_SECONDS });
    const room = buildSyntheticRoom({ sampleRate: rate, sweep: sweep.samples, snrDb: 40 });
    const doubled = DEFAULT_REFLECTIONS.map((r, i) => (i === 0 ? { ...r, gain: 2 * r.gain } : r));
    const mutant = buildSyntheticRoom({ sampleRate: rate, sweep: sweep.samples, reflections: doubled });
    const result = analyzeRoomMeasurement({
      sweep: sweep.samples,
      sweepRate: rate,
      recording: room.recording,
      recordingRate: rate,
      smoothing: { octaveFraction: 6 },
    });
    expect(maxError(result.response.db, room.truthSmoothedDb(result.response.hz, 6))).toBeLessThanOrEqual(
      0.5,
    );
    expect(maxError(result.response.db, mutant.truthSmoothedDb(result.response.hz, 6))).toBeGreaterThan(1);
  });

  it('reads the path through a loopback: delay is the acoustic path alone, the interface divides out', () => {
    const rate = 48000;
    const sweep = generateExponentialSweep({ sampleRate: rate, seconds: 1 });
    const room = buildSyntheticRoom({
      sampleRate: rate,
      sweep: sweep.samples,
      delaySamples: 120.37,
      speaker: false,
      modes: [],
      reflections: [],
      interfaceLatencySamples: 333.25,
      interfaceLowPassHz: 20000,
      snrDb: 40,
    });
    const withLoopback = analyzeRoomMeasurement({
      sweep: sweep.samples,
      sweepRate: rate,
      recording: room.recording,
      recordingRate: rate,
      loopback: room.loopback,
      smoothing: { octaveFraction: 6 },
    });
    expect(Math.abs(withLoopback.delaySamples - 120.37)).toBeLessThanOrEqual(0.1);
    // The interface's low-pass (-3 dB at 20 kHz) is gone: what is left is the pure delay's truth.
    expect(
      maxError(withLoopback.response.db, room.truthSmoothedDb(withLoopback.response.hz, 6)),
    ).toBeLessThanOrEqual(0.1);
    // Without the loopback the latency and the interface's roll-off are part of the measurement.
    const without = analyzeRoomMeasurement({
      sweep: sweep.samples,
      sweepRate: rate,
      recording: room.recording,
      recordingRate: rate,
      smoothing: { octaveFraction: 6 },
    });
    expect(without.loopbackDelaySamples).toBeNull();
    expect(Math.abs(without.delaySamples - (333.25 + 120.37))).toBeLessThanOrEqual(1);
    expect(
      maxError(without.response.db, room.truthSmoothedDb(without.response.hz, 6, true)),
    ).toBeLessThanOrEqual(0.5);
    expect(without.response.db[without.response.db.length - 1]).toBeLessThan(-2.5);
  });

  it('matches level trims of 0, -1.7 and +2.3 dB from the 500 Hz-2 kHz band within 0.1 dB', () => {
    const rate = 48000;
    const sweep = generateExponentialSweep({ sampleRate: rate, seconds: 1 });
    const levels = [0, -1.7, 2.3].map((gainDb) => {
      const room = buildSyntheticRoom({ sampleRate: rate, sweep: sweep.samples, gainDb, snrDb: 40, seed: 3 });
      return analyzeRoomMeasurement({
        sweep: sweep.samples,
        sweepRate: rate,
        recording: room.recording,
        recordingRate: rate,
      }).levelDb;
    });
    expect(Math.abs(levels[1]! - levels[0]! - -1.7)).toBeLessThanOrEqual(0.1);
    expect(Math.abs(levels[2]! - levels[0]! - 2.3)).toBeLessThanOrEqual(0.1);
  });

  it('reads a flat path at its gain, and the headroom and noise floor of the recording', () => {
    const rate = 48000;
    const sweep = generateExponentialSweep({ sampleRate: rate, seconds: 1 });
    const room = buildSyntheticRoom({
      sampleRate: rate,
      sweep: sweep.samples,
      speaker: false,
      modes: [],
      reflections: [],
      gainDb: -1.7,
      interfaceLatencySamples: 4800,
      snrDb: 50,
      seed: 9,
    });
    const result = analyzeRoomMeasurement({
      sweep: sweep.samples,
      sweepRate: rate,
      recording: room.recording,
      recordingRate: rate,
    });
    expect(result.levelDb).toBeCloseTo(-1.7, 2);
    let peak = 0;
    for (const x of room.recording) peak = Math.max(peak, Math.abs(x));
    expect(result.headroomDb).toBeCloseTo(-20 * Math.log10(peak), 10);
    // 100 ms before the sweep arrives and the tail after it: white noise of known RMS.
    expect(result.noiseFloorDb).not.toBeNull();
    expect(Math.abs(result.noiseFloorDb! - 20 * Math.log10(room.noiseRms(50)))).toBeLessThanOrEqual(0.2);
    expect(result.warnings).toEqual([]);
    expect(Math.abs(result.response.db[240]! - -1.7)).toBeLessThanOrEqual(0.05);
  });

  it('returns harmonics, the impulse from t = 0 and the grid the CLI prints', () => {
    const rate = 48000;
    const sweep = generateExponentialSweep({ sampleRate: rate, seconds: 1 });
    const room = buildSyntheticRoom({ sampleRate: rate, sweep: sweep.samples });
    const result = analyzeRoomMeasurement({
      sweep: sweep.samples,
      sweepRate: rate,
      recording: room.recording,
      recordingRate: rate,
    });
    expect(result.smoothing).toBe('variable');
    expect(result.response.hz.length).toBe(479);
    for (let i = 1; i < result.response.hz.length; i++) {
      expect(Math.log2(result.response.hz[i]! / result.response.hz[i - 1]!)).toBeCloseTo(1 / 48, 4);
    }
    expect(result.harmonics.map((h) => h.order)).toEqual([2, 3, 4, 5]);
    expect(result.peakIndex).toBe(Math.round(result.delaySamples));
    expect(result.sampleRate).toBe(rate);
    // The sweep's parameters, read from its samples, agree with the generator's.
    expect(result.sweepParameters.rateSeconds / sweep.rateSeconds).toBeCloseTo(1, 3);
  });
});

describe('analyzeRoomMeasurement rejects bad input with one coded error each', () => {
  const rate = 48000;
  const sweep = generateExponentialSweep({ sampleRate: rate, seconds: 1 });
  const room = buildSyntheticRoom({ sampleRate: rate, sweep: sweep.samples, snrDb: 60 });

  it('sweep and recording at different rates', () => {
    const message = codeOf(() =>
      analyzeRoomMeasurement({
        sweep: sweep.samples,
        sweepRate: 48000,
        recording: room.recording,
        recordingRate: 44100,
      }),
    );
    expect(message).toMatch(/^LATHE_CALIBRATION_INPUT_INVALID: /);
    expect(message).toContain('48000 Hz');
    expect(message).toContain('44100 Hz');
  });

  it('a non-finite sample, an empty or too short recording, a loopback of another length', () => {
    const nan = room.recording.slice();
    nan[1000] = Number.NaN;
    const base = { sweep: sweep.samples, sweepRate: rate, recordingRate: rate };
    expect(codeOf(() => analyzeRoomMeasurement({ ...base, recording: nan }))).toMatch(
      /^LATHE_CALIBRATION_INPUT_INVALID: .*non-finite/,
    );
    expect(codeOf(() => analyzeRoomMeasurement({ ...base, recording: new Float64Array(0) }))).toMatch(
      /^LATHE_CALIBRATION_INPUT_INVALID: .*empty/,
    );
    expect(
      codeOf(() => analyzeRoomMeasurement({ ...base, recording: room.recording.subarray(0, 1000) })),
    ).toMatch(/^LATHE_CALIBRATION_INPUT_INVALID: .*shorter/);
    expect(
      codeOf(() =>
        analyzeRoomMeasurement({ ...base, recording: room.recording, loopback: room.loopback.subarray(1) }),
      ),
    ).toMatch(/^LATHE_CALIBRATION_INPUT_INVALID: .*loopback/);
  });

  it('a clipped recording', () => {
    const clipped = room.recording.map((x) => Math.max(-1, Math.min(1, 4 * x)));
    expect(
      codeOf(() =>
        analyzeRoomMeasurement({
          sweep: sweep.samples,
          sweepRate: rate,
          recording: clipped,
          recordingRate: rate,
        }),
      ),
    ).toMatch(/^LATHE_CALIBRATION_RECORDING_CLIPPED: /);
  });

  it('a silent recording, and one of interface hiss with no sweep in it', () => {
    const silent = new Float64Array(room.recording.length);
    expect(
      codeOf(() =>
        analyzeRoomMeasurement({
          sweep: sweep.samples,
          sweepRate: rate,
          recording: silent,
          recordingRate: rate,
        }),
      ),
    ).toMatch(/^LATHE_CALIBRATION_RECORDING_SILENT: /);
    const gaussian = seededGaussian(4);
    const noise = room.recording.map(() => 0.001 * gaussian());
    expect(
      codeOf(() =>
        analyzeRoomMeasurement({
          sweep: sweep.samples,
          sweepRate: rate,
          recording: noise,
          recordingRate: rate,
        }),
      ),
    ).toMatch(/^LATHE_CALIBRATION_RECORDING_SILENT: .*no sweep/);
  });
});

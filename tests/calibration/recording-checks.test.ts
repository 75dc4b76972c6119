import { describe, expect, it } from 'vitest';
import { generateExponentialSweep } from '../../calibration/exponential-sweep.ts';
import {
  assertNotClipped,
  assertNotSilent,
  assertSweepPresent,
  impulsePeakToNoiseDb,
  noiseFloorDb,
  recordingLevels,
} from '../../calibration/recording-checks.ts';
import { deconvolveSweep } from '../../calibration/sweep-deconvolution.ts';
import { isLatheError } from '../../engine/index.ts';
import { buildSyntheticRoom, seededGaussian } from '../support/synthetic-room-recording.ts';

function codeOf(work: () => unknown): string {
  try {
    work();
  } catch (error) {
    return isLatheError(error) ? error.code : String(error);
  }
  return 'no error';
}

describe('recording levels and clipping', () => {
  it('reads peak, headroom and RMS in dB re full scale', () => {
    const sine = Float64Array.from(
      { length: 48000 },
      (_, i) => 0.5 * Math.sin((2 * Math.PI * 1000 * i) / 48000),
    );
    const levels = recordingLevels(sine);
    expect(levels.peak).toBeCloseTo(0.5, 9);
    expect(levels.peakDbfs).toBeCloseTo(20 * Math.log10(0.5), 6);
    expect(levels.headroomDb).toBeCloseTo(-20 * Math.log10(0.5), 6);
    expect(levels.rmsDbfs).toBeCloseTo(20 * Math.log10(0.5 / Math.SQRT2), 6);
  });

  it('calls a flat top at full scale clipping, and anything beyond full scale, but not a lone full-scale sample', () => {
    const sine = Float64Array.from(
      { length: 4800 },
      (_, i) => 1.5 * Math.sin((2 * Math.PI * 100 * i) / 48000),
    );
    expect(
      codeOf(() => {
        assertNotClipped(sine.map((x) => Math.max(-1, Math.min(1, x))));
      }),
    ).toBe('LATHE_CALIBRATION_RECORDING_CLIPPED');
    expect(
      codeOf(() => {
        assertNotClipped(sine);
      }),
    ).toBe('LATHE_CALIBRATION_RECORDING_CLIPPED');
    const touching = new Float64Array(100);
    touching[50] = 1;
    touching[51] = 0.9995;
    expect(
      codeOf(() => {
        assertNotClipped(touching);
      }),
    ).toBe('no error');
    touching[52] = -0.9999;
    expect(
      codeOf(() => {
        assertNotClipped(touching);
      }),
    ).toBe('LATHE_CALIBRATION_RECORDING_CLIPPED');
    expect(
      codeOf(() => {
        assertNotClipped(sine.map((x) => 0.6 * x));
      }),
    ).toBe('no error');
  });

  it('calls digital silence (or nearly: below -100 dBFS) silent', () => {
    expect(
      codeOf(() => {
        assertNotSilent(new Float64Array(1000));
      }),
    ).toBe('LATHE_CALIBRATION_RECORDING_SILENT');
    expect(
      codeOf(() => {
        assertNotSilent(new Float64Array(1000).fill(5e-6));
      }),
    ).toBe('LATHE_CALIBRATION_RECORDING_SILENT');
    expect(
      codeOf(() => {
        assertNotSilent(new Float64Array(1000).fill(2e-5));
      }),
    ).toBe('no error');
  });
});

describe('sweep presence', () => {
  const rate = 48000;
  const sweep = generateExponentialSweep({ sampleRate: rate, seconds: 1 });

  it('finds the sweep in a noisy room recording and none in noise alone', () => {
    const room = buildSyntheticRoom({
      sampleRate: rate,
      sweep: sweep.samples,
      snrDb: 0,
      seed: 8,
      tailSeconds: 0.05,
    });
    const measured = deconvolveSweep({
      sweep: sweep.samples,
      recording: room.recording,
      sweepParameters: sweep,
    });
    const validEnd = Math.max(room.recording.length - sweep.samples.length, 0.05 * rate);
    // Even at 0 dB SNR the sweep's 1 s of correlation lifts the peak well above the noise
    // (measured 36 dB).
    expect(impulsePeakToNoiseDb(measured.linear, validEnd)).toBeGreaterThan(30);
    expect(
      codeOf(() => {
        assertSweepPresent(measured.linear, validEnd);
      }),
    ).toBe('no error');

    const gaussian = seededGaussian(12);
    for (const tail of [0.05, 0.6, 2]) {
      const noise = Float64Array.from(
        { length: sweep.samples.length + tail * rate },
        () => 0.01 * gaussian(),
      );
      const onlyNoise = deconvolveSweep({ sweep: sweep.samples, recording: noise, sweepParameters: sweep });
      const end = Math.max(noise.length - sweep.samples.length, 0.05 * rate);
      // Measured 15-18 dB: the largest of many Gaussian samples over their median.
      expect(impulsePeakToNoiseDb(onlyNoise.linear, end), `tail ${tail} s`).toBeLessThan(20);
      expect(
        codeOf(() => {
          assertSweepPresent(onlyNoise.linear, end);
        }),
      ).toBe('LATHE_CALIBRATION_RECORDING_SILENT');
    }
  });
});

describe('noiseFloorDb', () => {
  it('reads the RMS of the recording before the sweep arrives and after it and the decay end', () => {
    const rate = 1000;
    const recording = new Float64Array(10000);
    // Sweep arriving at 2000 for 5000 samples: before it 0.01, during 1, after 7000 + 500 decay 0.001.
    for (let i = 0; i < recording.length; i++) recording[i] = i < 2000 ? 0.01 : i < 7500 ? 1 : 0.001;
    const floor = noiseFloorDb(recording, 2000, 5000, rate, { guardSeconds: 0, decaySeconds: 0.5 });
    expect(floor).toBeCloseTo(20 * Math.log10(Math.sqrt((2000 * 1e-4 + 2500 * 1e-6) / 4500)), 9);
    // The default 5 ms guard before the arrival keeps the sweep's first samples out.
    expect(noiseFloorDb(recording, 2005, 4995, rate, { decaySeconds: 0.5 })).toBeCloseTo(floor!, 9);
    // No sweep-free part long enough: no reading.
    expect(noiseFloorDb(recording.subarray(1990, 7500), 10, 5000, rate, { guardSeconds: 0 })).toBeNull();
  });
});

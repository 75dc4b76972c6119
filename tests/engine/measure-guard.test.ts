/**
 * Measurement mode plays only safe signals (issue 8, Deliver point 6): it bypasses the monitor
 * path's ceiling, so a signal louder than the safe peak, one that starts with a step instead of
 * a ramp, or one it cannot play is refused with a code before anything reaches the outputs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateExponentialSweep } from '../../calibration/index.ts';
import { Engine } from '../../engine/index.ts';

let engine: Engine;
beforeAll(async () => {
  engine = await Engine.start({
    audio: { kind: 'virtual' },
    sampleRate: 48000,
    blockSize: 128,
    stripCount: 2,
  });
}, 60_000);
afterAll(async () => {
  await engine.stop();
});

const options = { outputChannels: [0], recordChannel: 0, tailFrames: 4800 };

describe('Engine.measure safety', () => {
  it('plays a -12 dBFS RMS sweep (peaks at -9 dBFS, faded in)', async () => {
    const sweep = Float32Array.from(generateExponentialSweep({ sampleRate: 48000, seconds: 0.5 }).samples);
    const recording = await engine.measure(sweep, options);
    expect(recording.length).toBe(sweep.length + 4800);
  }, 30_000);

  it.each([
    [
      'too loud',
      Float32Array.from({ length: 4800 }, (_, i) => (i === 0 ? 0 : 0.9 * Math.sin(i / 10))),
      'LATHE_MEASUREMENT_UNSAFE',
    ],
    ['a step at the start', new Float32Array(4800).fill(0.25), 'LATHE_MEASUREMENT_UNSAFE'],
    [
      'not finite',
      Float32Array.from({ length: 4800 }, (_, i) => (i === 100 ? Number.NaN : 0)),
      'LATHE_MEASUREMENT_INVALID',
    ],
    ['empty', new Float32Array(0), 'LATHE_MEASUREMENT_INVALID'],
  ])('refuses a signal that is %s', async (_name, stimulus, code) => {
    await expect(engine.measure(stimulus, options)).rejects.toMatchObject({ code });
  });

  it('refuses unusable channels; a louder limit can be asked for explicitly', async () => {
    const quiet = new Float32Array(4800);
    await expect(engine.measure(quiet, { ...options, outputChannels: [] })).rejects.toMatchObject({
      code: 'LATHE_MEASUREMENT_INVALID',
    });
    await expect(engine.measure(quiet, { ...options, recordChannel: -1 })).rejects.toMatchObject({
      code: 'LATHE_MEASUREMENT_INVALID',
    });
    const loud = Float32Array.from({ length: 4800 }, (_, i) => (i === 2000 ? 1 : 0));
    await expect(engine.measure(loud, options)).rejects.toMatchObject({ code: 'LATHE_MEASUREMENT_UNSAFE' });
    expect((await engine.measure(loud, { ...options, maxPeakDbfs: 0 })).length).toBe(9600);
  }, 30_000);
});

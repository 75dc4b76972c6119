import { Session } from 'node:inspector/promises';
import { allocationsIn } from '../../support/heap-allocations.ts';
import { describe, expect, it } from 'vitest';
import { LoudnessMeter } from '../../../engine/meters/loudness/loudness-meter.ts';

describe('LoudnessMeter on the audio thread', () => {
  it('allocates nothing in process() and readInto(), NaN samples included', async () => {
    const meter = new LoudnessMeter(48000, 2);
    const left = new Float32Array(128 * 64);
    const right = new Float32Array(128 * 64);
    for (let i = 0; i < left.length; i++) {
      left[i] = 0.3 * Math.sin(i * 0.05) * (1 + Math.sin(i * 0.0003));
      right[i] = 0.2 * Math.sin(i * 0.07);
    }
    left[100] = NaN;
    right[200] = Infinity;
    const views = Array.from({ length: 64 }, (_, k) => [
      left.subarray(k * 128, (k + 1) * 128),
      right.subarray(k * 128, (k + 1) * 128),
    ]);
    const out = new Float64Array(6);
    const blocks = (count: number) => (): void => {
      for (let k = 0; k < count; k++) {
        meter.process(views[k % 64]!, 128);
        if (k % 12 === 0) meter.readInto(out);
      }
    };
    blocks(40_000)(); // warm up until optimized
    const session = new Session();
    session.connect();
    // A per-block allocation of even one boxed number (16 bytes) would add 1.3 MB to the
    // difference between the two runs.
    const short = await allocationsIn(session, '/engine/meters/loudness/', blocks(20_000));
    const long = await allocationsIn(session, '/engine/meters/loudness/', blocks(100_000));
    session.disconnect();
    console.log(`loudness meter allocations: ${short} bytes / 20k blocks, ${long} bytes / 100k blocks`);
    expect(long - short).toBeLessThan(4096);
    expect(long).toBeLessThan(64 * 1024);
    expect(Number.isFinite(out[0])).toBe(true);
  }, 60_000);
});

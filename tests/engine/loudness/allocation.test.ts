import { MAX_GROWTH_BYTES, MAX_LONG_BYTES, steadyAllocations } from '../../support/heap-allocations.ts';
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
    const { short, long } = await steadyAllocations('/engine/meters/loudness/', blocks, {
      label: 'loudness meter',
    });
    expect(long - short).toBeLessThan(MAX_GROWTH_BYTES);
    expect(long).toBeLessThan(MAX_LONG_BYTES);
    expect(Number.isFinite(out[0])).toBe(true);
  }, 60_000);

  it("allocates nothing in process() with foldedMono (the fold's gating included)", async () => {
    const meter = new LoudnessMeter(48000, 2, { foldedMono: true });
    const left = new Float32Array(128 * 64);
    const right = new Float32Array(128 * 64);
    for (let i = 0; i < left.length; i++) {
      left[i] = 0.3 * Math.sin(i * 0.05) * (1 + Math.sin(i * 0.0003));
      right[i] = -0.2 * Math.sin(i * 0.05) + 0.1 * Math.sin(i * 0.07);
    }
    left[100] = NaN;
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
    blocks(40_000)();
    const { short, long } = await steadyAllocations('/engine/meters/loudness/', blocks, {
      label: 'loudness meter, folded mono',
    });
    expect(long - short).toBeLessThan(MAX_GROWTH_BYTES);
    expect(long).toBeLessThan(MAX_LONG_BYTES);
    expect(meter.foldedIntegrated()).toBeGreaterThan(-40);
  }, 60_000);
});

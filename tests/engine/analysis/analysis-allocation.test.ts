import { describe, expect, it } from 'vitest';
import { SampleScan } from '../../../engine/analysis/sample-scan.ts';
import { TruePeakOverDetector } from '../../../engine/analysis/true-peak-over-detector.ts';
import { LoudnessMeter } from '../../../engine/meters/loudness/loudness-meter.ts';
import { TruePeakMeter } from '../../../engine/meters/true-peak-meter.ts';
import { MAX_GROWTH_BYTES, MAX_LONG_BYTES, steadyAllocations } from '../../support/heap-allocations.ts';

const RATE = 48000;
const BLOCK = 256;

describe("analyzeWavFile's per-block work", () => {
  it('allocates nothing per block: sanitize, folded loudness, the QC scan, in-place true peak', async () => {
    const overs = new TruePeakOverDetector(RATE, 2, 32);
    const peaks = new TruePeakMeter(RATE, 2, overs, BLOCK);
    const loudness = new LoudnessMeter(RATE, 2, { foldedMono: true });
    const scan = new SampleScan(RATE, 2, 1);
    const block = [peaks.input(0), peaks.input(1)];
    // Source blocks: music-like levels, a NaN, quiet stretches; no overs (they would list events).
    const sources = Array.from({ length: 32 }, (_, k) =>
      [0, 1].map((c) => {
        const x = new Float32Array(BLOCK);
        for (let i = 0; i < BLOCK; i++) {
          const n = k * BLOCK + i;
          x[i] =
            (k % 8 === 7 ? 1e-6 : 0.4) * Math.sin(n * (0.03 + 0.01 * c)) * (1 + 0.5 * Math.sin(n * 0.001));
        }
        if (k === 3) x[17] = Number.NaN;
        return x;
      }),
    );
    const blocks = (count: number) => (): void => {
      for (let k = 0; k < count; k++) {
        const source = sources[k % 32]!;
        block[0]!.set(source[0]!);
        block[1]!.set(source[1]!);
        scan.sanitize(block, BLOCK);
        loudness.process(block, BLOCK);
        scan.process(block, BLOCK);
        peaks.processInput(BLOCK, scan.blockPeaks);
      }
    };
    blocks(40_000)();
    // The correlation window closes once per 75 blocks: rare enough that starting the profiler
    // leaves it unoptimised (boxing) for a whole first profiled run, so one is run unmeasured.
    const { short, long } = await steadyAllocations('/engine/', blocks, {
      label: 'analysis block',
      profiledWarmUp: 100_000,
    });
    expect(long - short).toBeLessThan(MAX_GROWTH_BYTES);
    expect(long).toBeLessThan(MAX_LONG_BYTES);
    const result = scan.result();
    expect(result.nanSamples).toBeGreaterThan(0);
    expect(result.correlation).not.toBeNull();
    expect(overs.finish().count).toBe(0);
  }, 120_000);
});

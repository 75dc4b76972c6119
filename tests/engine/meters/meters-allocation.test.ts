import { MAX_GROWTH_BYTES, MAX_LONG_BYTES, steadyAllocations } from '../../support/heap-allocations.ts';
import { describe, expect, it } from 'vitest';
import { GainReductionCollector } from '../../../engine/meters/gain-reduction-collector.ts';
import { K_SYSTEM_READOUT_COUNT, KSystemMeter } from '../../../engine/meters/k-system-meter.ts';
import { LoudnessHistory } from '../../../engine/meters/loudness-history.ts';
import { LOUDNESS_READOUT, LOUDNESS_READOUT_COUNT } from '../../../engine/meters/loudness/loudness-meter.ts';
import { MeterReadouts } from '../../../engine/meters/meter-readouts.ts';
import { SampleTap } from '../../../engine/meters/sample-tap.ts';
import { SpectrumAnalyser } from '../../../engine/meters/spectrum-analyser.ts';
import { STEREO_IMAGE_READOUT_COUNT, StereoImageMeter } from '../../../engine/meters/stereo-image-meter.ts';

const RATE = 48000;
const BLOCK = 128;
const VIEWS = 64;

/** 64 blocks of a moving stereo signal with a NaN and an Infinity in it. */
function stereoBlocks(): Float32Array[][] {
  const left = new Float32Array(BLOCK * VIEWS);
  const right = new Float32Array(BLOCK * VIEWS);
  for (let i = 0; i < left.length; i++) {
    left[i] = 0.3 * Math.sin(i * 0.05) * (1 + Math.sin(i * 0.0003));
    right[i] = 0.2 * Math.sin(i * 0.07) - 0.1 * Math.sin(i * 0.05);
  }
  left[100] = Number.NaN;
  right[200] = Infinity;
  return Array.from({ length: VIEWS }, (_, k) => [
    left.subarray(k * BLOCK, (k + 1) * BLOCK),
    right.subarray(k * BLOCK, (k + 1) * BLOCK),
  ]);
}

describe('the mastering meters on the audio thread', () => {
  it('allocate nothing per block: K-System, stereo image, readouts, sample tap, loudness history, gain reduction', async () => {
    const views = stereoBlocks();
    const kMeter = new KSystemMeter(RATE, 2);
    const image = new StereoImageMeter(RATE);
    const tap = SampleTap.create(1 << 15);
    const history = LoudnessHistory.create(6000, LoudnessHistory.periodFramesFor(RATE));
    const readout = new Float64Array(LOUDNESS_READOUT_COUNT);
    const sources = [new Float64Array(1), new Float64Array(3), new Float64Array(2)];
    const collector = new GainReductionCollector([
      { label: 'gate', values: sources[0]!, index: 0 },
      { label: 'low', values: sources[1]!, index: 0 },
      { label: 'high', values: sources[1]!, index: 2 },
      { label: 'limiter', values: sources[2]!, index: 1 },
    ]);
    const readouts = MeterReadouts.create(2 * K_SYSTEM_READOUT_COUNT + STEREO_IMAGE_READOUT_COUNT);
    const out = readouts.values;
    const copy = new Float64Array(readouts.count);
    // The main thread's side, in the same loop: drain the tap now and then, read the history.
    const drainLeft = new Float32Array(4096);
    const drainRight = new Float32Array(4096);
    const historyM = new Float64Array(6000);
    const historyS = new Float64Array(6000);
    const blocks = (count: number) => (): void => {
      for (let k = 0; k < count; k++) {
        const block = views[k % VIEWS]!;
        const left = block[0]!;
        const right = block[1]!;
        kMeter.process(block, BLOCK);
        image.process(left, right, BLOCK);
        readouts.beginWrite();
        kMeter.readInto(out, 0);
        image.readInto(out, 2 * K_SYSTEM_READOUT_COUNT);
        readouts.endWrite();
        tap.write(left, right, BLOCK);
        readout[LOUDNESS_READOUT.momentary] = out[0]!;
        readout[LOUDNESS_READOUT.shortTerm] = out[1]!;
        history.advance(readout, BLOCK);
        sources[0]![0] = out[2]!;
        sources[2]![1] = out[3]!;
        collector.collect();
        if (k % 12 === 0) {
          collector.clearHeld();
          tap.drain(drainLeft, drainRight, 4096);
          readouts.read(copy);
        }
        if (k % 1000 === 0) {
          history.readInto(historyM, historyS);
          kMeter.resetPeakHold();
        }
      }
    };
    blocks(40_000)(); // warm up until optimized
    const { short, long } = await steadyAllocations('/engine/meters/', blocks, { label: 'mastering meters' });
    expect(long - short).toBeLessThan(MAX_GROWTH_BYTES);
    expect(long).toBeLessThan(MAX_LONG_BYTES);
  }, 120_000);

  it('the spectrum analyser (and fft.js inside it) allocates nothing per block either', async () => {
    const views = stereoBlocks();
    const analyser = new SpectrumAnalyser(RATE, { averagingSeconds: 0.5 });
    const blocks = (count: number) => (): void => {
      for (let k = 0; k < count; k++) analyser.process(views[k % VIEWS]!, BLOCK);
    };
    blocks(60_000)(); // warm up: a spectrum is computed only every 16th block
    for (const urlPart of ['/engine/meters/', '/node_modules/fft.js/']) {
      const { short, long } = await steadyAllocations(urlPart, blocks, {
        label: `spectrum analyser (${urlPart})`,
      });
      expect(long - short).toBeLessThan(MAX_GROWTH_BYTES);
      expect(long).toBeLessThan(MAX_LONG_BYTES);
    }
    expect(analyser.spectra).toBeGreaterThan(1000);
  }, 120_000);
});

/**
 * The master meter set inside the console: a known signal through a stereo strip at unity must
 * read as analysis says on every master meter, and the gain-reduction slots must carry the
 * processors' own readings under the right labels.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  createRuntime,
  gainReductionLabels,
  K_SYSTEM_READOUT,
  K_SYSTEM_READOUT_COUNT,
  LOUDNESS_READOUT,
  MASTER_READOUT,
  MasterMeterSet,
  STEREO_IMAGE_READOUT,
  type ConsoleLayout,
} from '../../../engine/index.ts';
import { MAX_GROWTH_BYTES, MAX_LONG_BYTES, steadyAllocations } from '../../support/heap-allocations.ts';

const RATE = 48000;
const BLOCK = 128;
const LAYOUT: ConsoleLayout = {
  strips: [{ label: 'Music', kind: 'stereo' }],
  auxes: [{ label: 'Reverb', effect: 'reverb' }],
};

function consoleWith(values: Record<string, number>) {
  const parts = createRuntime({
    layout: LAYOUT,
    sampleRate: RATE,
    maxBlockFrames: BLOCK,
    masterMeters: true,
  });
  parts.runtime.configure({ sampleRate: RATE, blockSize: BLOCK, inputChannels: 2, outputChannels: 2 });
  for (const [id, value] of Object.entries(values)) {
    const index = parts.specs.findIndex((spec) => spec.id === id);
    expect(index, id).toBeGreaterThanOrEqual(0);
    parts.params.write(index, value);
  }
  return parts;
}

/** Runs `seconds` of a 997 Hz sine at `amplitude` on both inputs (in phase) through the console. */
function play(parts: ReturnType<typeof consoleWith>, amplitude: number, seconds: number): void {
  const input = new Float32Array(2 * BLOCK);
  const output = new Float32Array(2 * BLOCK);
  let n = 0;
  for (let block = 0; block < Math.ceil((seconds * RATE) / BLOCK); block++) {
    for (let i = 0; i < BLOCK; i++, n++) {
      const x = amplitude * Math.sin((2 * Math.PI * 997 * n) / RATE);
      input[2 * i] = x;
      input[2 * i + 1] = x;
    }
    parts.runtime.process(input, output, BLOCK);
  }
}

describe('the master meter set in the console', () => {
  it('reads a -20 dBFS 997 Hz stereo sine as -20 LUFS, -20 dBFS RMS, -20 dBTP, correlation +1', () => {
    const parts = consoleWith({});
    play(parts, 0.1, 4);
    const meters = parts.graph.masterMeters!;
    const out = new Float64Array(MasterMeterSet.readoutCount(gainReductionLabels(LAYOUT).length));
    expect(meters.views.readouts.read(out)).toBe(true);
    // BS.1770: a 997 Hz sine at -20 dBFS on both channels reads -20 LUFS (K-weighting ~0 dB there).
    expect(out[MASTER_READOUT.loudness + LOUDNESS_READOUT.momentary]).toBeCloseTo(-20, 1);
    expect(out[MASTER_READOUT.loudness + LOUDNESS_READOUT.integrated]).toBeCloseTo(-20, 1);
    // AES17 RMS: a sine's RMS reads its peak level.
    for (const channel of [0, 1]) {
      const at = MASTER_READOUT.kSystem + channel * K_SYSTEM_READOUT_COUNT + K_SYSTEM_READOUT.rmsDbfs;
      expect(out[at]).toBeCloseTo(-20, 1);
    }
    expect(out[MASTER_READOUT.truePeak]).toBeCloseTo(-20, 1);
    expect(out[MASTER_READOUT.samplePeak]).toBeLessThanOrEqual(-20 + 1e-6);
    expect(out[MASTER_READOUT.stereoImage + STEREO_IMAGE_READOUT.correlation]).toBeCloseTo(1, 6);
    expect(out[MASTER_READOUT.stereoImage + STEREO_IMAGE_READOUT.balanceDb]).toBeCloseTo(0, 6);
    // The samples reach the tap for the spectrum, and the history has 10 entries per second.
    const left = new Float32Array(1 << 15);
    const right = new Float32Array(1 << 15);
    // Never drained in 4 s, the tap kept its newest half: the sine, at its level.
    const drained = meters.views.tap.drain(left, right, left.length);
    expect(drained).toBeGreaterThanOrEqual(8192);
    expect(Math.max(...left.subarray(0, drained))).toBeCloseTo(0.1, 3);
    const momentary = new Float64Array(6000);
    const shortTerm = new Float64Array(6000);
    const entries = meters.views.history.readInto(momentary, shortTerm);
    expect(entries).toBeGreaterThanOrEqual(39);
    expect(entries).toBeLessThanOrEqual(41);
    expect(shortTerm[entries - 1]).toBeCloseTo(-20, 1);
  });

  it("carries each dynamics processor's gain reduction under its label", () => {
    const labels = gainReductionLabels(LAYOUT);
    expect(labels).toEqual([
      'strip/01/gate',
      'strip/01/comp',
      'master/multiband/low',
      'master/multiband/mid',
      'master/multiband/high',
      'master/limiter',
    ]);
    // Compressor at -40 dB threshold, 4:1: a -20 dBFS sine is 20 dB over, 15 dB of reduction.
    const parts = consoleWith({
      'strip/01/comp/on': 1,
      'strip/01/comp/threshold': -40,
      'strip/01/comp/ratio': 4,
      'strip/01/comp/knee': 0,
    });
    play(parts, 0.1, 1);
    const out = new Float64Array(MasterMeterSet.readoutCount(labels.length));
    expect(parts.graph.masterMeters!.views.readouts.read(out)).toBe(true);
    const reduction = (label: string): number => out[MASTER_READOUT.gainReduction + labels.indexOf(label)]!;
    expect(reduction('strip/01/comp')).toBeCloseTo(15, 1);
    expect(reduction('strip/01/gate')).toBe(0);
    expect(reduction('master/limiter')).toBe(0);
  });

  it('allocates nothing per block', async () => {
    const set = new MasterMeterSet(RATE, []);
    const left = Float32Array.from({ length: BLOCK }, (_, i) => 0.3 * Math.sin(i * 0.1));
    const right = Float32Array.from({ length: BLOCK }, (_, i) => 0.2 * Math.sin(i * 0.13));
    const blocks = (count: number) => (): void => {
      for (let k = 0; k < count; k++) set.process(left, right, BLOCK);
    };
    blocks(20_000)();
    const engineDir = fileURLToPath(new URL('../../../engine/', import.meta.url));
    const { short, long } = await steadyAllocations(engineDir, blocks, { label: 'master meter set' });
    expect(long - short).toBeLessThan(MAX_GROWTH_BYTES);
    expect(long).toBeLessThan(MAX_LONG_BYTES);
  }, 120_000);
});
